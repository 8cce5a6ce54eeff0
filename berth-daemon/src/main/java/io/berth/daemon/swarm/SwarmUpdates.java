package io.berth.daemon.swarm;

import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.keys.UnlockKey;
import io.berth.cluster.ca.rotation.RootRotation;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.raft.ClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoredCa;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.FailedPreconditionException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code docker swarm update} and what rides on it: join token rotation, the node certificate
 * lifetime, the overlay key rotation period (Berth's), {@code swarm ca --rotate} (a root rotation starts; the leader finishes it once every
 * node has renewed), {@code --autolock} on and off and {@code unlock-key --rotate} (the managers
 * re-encrypt their keys as the store says). Everything is written in one batch, and only if the
 * swarm is still at the version the caller read, so an update and its rotations succeed or fail
 * together.
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
    StoredCa ca = state.ca().orElseThrow(() -> new FailedPreconditionException(
        "the swarm's CA is missing from the store"));
    SwarmSpec spec = update.spec();
    Cluster next = cluster.withSpec(spec, clock.instant());
    if (update.networkKeyRotation() >= 0) {
      next = next.withNetworkKeyRotation(update.networkKeyRotation(), clock.instant());
    }
    StoredCa nextCa = withCertExpiry(ca, spec, clock);
    if (update.rotateWorkerToken()) {
      nextCa = nextCa.withJoinTokens(nextCa.joinTokens().rotate(NodeRole.WORKER, RANDOM));
    }
    if (update.rotateManagerToken()) {
      nextCa = nextCa.withJoinTokens(nextCa.joinTokens().rotate(NodeRole.MANAGER, RANDOM));
    }
    if (update.rotateRootCa()) {
      RootRotation.Started started = RootRotation.start(nextCa, next, clock);
      nextCa = started.ca();
      next = started.cluster();
    }
    ClusterState.Batch batch = state.batch().update(next);
    if (!nextCa.equals(ca)) {
      batch.update(nextCa);
    }
    boolean wasLocked = cluster.spec().encryptionConfig().autoLockManagers();
    boolean locked = spec.encryptionConfig().autoLockManagers();
    if (locked && (!wasLocked || update.rotateUnlockKey())) {
      batch.add(UnlockKeys.put(state, UnlockKey.generate(RANDOM)));
    } else if (!locked && wasLocked) {
      UnlockKeys.remove(state).ifPresent(batch::add);
    } else if (!locked && update.rotateUnlockKey()) {
      throw new FailedPreconditionException("cannot rotate because autolock is not turned on");
    }
    batch.apply();
  }

  /** The CA with the spec's node certificate lifetime ({@code --cert-expiry}), used from the next issue on. */
  private static StoredCa withCertExpiry(StoredCa ca, SwarmSpec spec, Clock clock) {
    Duration expiry = Duration.ofNanos(spec.caConfig().nodeCertExpiryNanos());
    if (expiry.toSeconds() == ca.caState().nodeCertExpirySeconds()) {
      return ca;
    }
    return ca.withCaState(ClusterCa.restore(ca.caState(), clock).withNodeCertExpiry(expiry).state());
  }
}
