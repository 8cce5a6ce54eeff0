package io.berth.daemon.swarm;

import io.berth.cluster.model.SwarmSpec;

/**
 * {@code POST /swarm/update}: the whole new spec, made from the cluster read at {@code version}
 * (a stale version is Conflict "update out of sequence"), and what to rotate with it.
 *
 * @param rotateRootCa {@code docker swarm ca --rotate}: the CLI increments the spec's
 *     {@code CAConfig.ForceRotate}; the route turns a value other than the stored one into this flag
 */
public record SwarmUpdate(
    long version,
    SwarmSpec spec,
    boolean rotateWorkerToken,
    boolean rotateManagerToken,
    boolean rotateUnlockKey,
    boolean rotateRootCa) {
  public SwarmUpdate {
    if (spec == null) {
      throw new IllegalArgumentException("a swarm update needs a spec");
    }
  }
}
