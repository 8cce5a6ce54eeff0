package io.berth.daemon.swarm;

import io.berth.cluster.ca.NodeRole;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoredCa;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.NotImplementedException;
import io.berth.cluster.raft.ClusterStore;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * {@code docker swarm update} and the rotations that ride on it: the new spec is written only if
 * the cluster is still at the version the caller read, and the rotated join tokens go in the same
 * batch, so an update and a rotation succeed or fail together.
 */
final class SwarmUpdates {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SwarmUpdates() {}

  static void apply(ClusterState state, SwarmUpdate update, Clock clock) {
    Cluster cluster = state.cluster().orElseThrow(() -> new FailedPreconditionException(
        "the swarm's cluster object is missing from the store"));
    if (cluster.version().index() != update.version()) {
      throw new ConflictException(ClusterStore.OUT_OF_SEQUENCE);
    }
    if (update.rotateRootCa()) {
      throw new NotImplementedException("swarm ca --rotate: rotating the root CA is not supported by Berth yet");
    }
    if (update.rotateUnlockKey()
        || update.spec().encryptionConfig().autoLockManagers() != cluster.spec().encryptionConfig().autoLockManagers()) {
      throw new NotImplementedException("swarm update --autolock and unlock-key --rotate: changing a running swarm's "
          + "autolock is not supported by Berth yet (set it at swarm init)");
    }
    SwarmSpec spec = update.spec();
    ClusterState.Batch batch = state.batch().update(cluster.withSpec(spec, clock.instant()));
    if (update.rotateWorkerToken() || update.rotateManagerToken()) {
      StoredCa ca = state.ca().orElseThrow(() -> new FailedPreconditionException("the swarm's CA is missing from the store"));
      var tokens = ca.joinTokens();
      if (update.rotateWorkerToken()) {
        tokens = tokens.rotate(NodeRole.WORKER, RANDOM);
      }
      if (update.rotateManagerToken()) {
        tokens = tokens.rotate(NodeRole.MANAGER, RANDOM);
      }
      batch.update(ca.withJoinTokens(tokens));
    }
    batch.apply();
  }
}
