package io.berth.daemon.swarm;

import io.berth.cluster.model.SwarmSpec;

/**
 * {@code POST /swarm/update}: the whole new spec, made from the cluster read at {@code version}
 * (a stale version is Conflict "update out of sequence"), and what to rotate with it.
 *
 * @param rotateRootCa {@code docker swarm ca --rotate}: the CLI increments the spec's
 *     {@code CAConfig.ForceRotate}; the route turns a value other than the stored one into this flag
 * @param networkKeyRotation Berth's {@code NetworkKeyRotation} in nanoseconds ({@code berth swarm
 *     update --network-key-rotation}; 0: 12 hours), or -1 to keep the current one (the docker CLI never sends it)
 */
public record SwarmUpdate(
    long version,
    SwarmSpec spec,
    boolean rotateWorkerToken,
    boolean rotateManagerToken,
    boolean rotateUnlockKey,
    boolean rotateRootCa,
    long networkKeyRotation) {
  public SwarmUpdate {
    if (spec == null) {
      throw new IllegalArgumentException("a swarm update needs a spec");
    }
  }

  /** An update that keeps the overlay key rotation period. */
  public SwarmUpdate(long version, SwarmSpec spec, boolean rotateWorkerToken, boolean rotateManagerToken,
      boolean rotateUnlockKey, boolean rotateRootCa) {
    this(version, spec, rotateWorkerToken, rotateManagerToken, rotateUnlockKey, rotateRootCa, -1);
  }
}
