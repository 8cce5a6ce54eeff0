package io.berth.daemon.swarm;

import io.berth.cluster.ca.keys.UnlockKey;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoreWatch;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a manager's node key encrypted under the swarm's unlock key as the store has it:
 * {@code swarm update --autolock=true} locks it, {@code --autolock=false} unlocks it and
 * {@code unlock-key --rotate} re-encrypts it, on every manager, without a restart. Level-triggered:
 * each pass compares what the store asks for with what the key file holds.
 */
final class UnlockKeyFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UnlockKeyFollower.class);
  private static final Duration WAIT = Duration.ofSeconds(1);

  private final StoreWatch watch;

  private UnlockKeyFollower(ClusterState state, NodeKeys keys) {
    this.watch = StoreWatch.start(state, WAIT, "swarm unlock key", () -> {
      UnlockKey next = desired(state.cluster(), UnlockKeys.read(state), keys.current());
      if (keys.lockWith(next)) {
        LOG.info(next == null ? "autolock is off: the node key is stored unencrypted"
            : "the node key is now encrypted under the swarm's unlock key");
      }
    });
  }

  static UnlockKeyFollower start(ClusterState state, NodeKeys keys) {
    return new UnlockKeyFollower(state, keys);
  }

  /**
   * The key the node key should be under: none with autolock off; with it on, the stored key (or
   * the current one while the store has none yet, as just after {@code swarm init --autolock}).
   */
  static UnlockKey desired(Optional<Cluster> cluster, Optional<UnlockKey> stored, UnlockKey current) {
    if (cluster.isEmpty()) {
      return current;
    }
    if (!cluster.get().spec().encryptionConfig().autoLockManagers()) {
      return null;
    }
    return stored.orElse(current);
  }

  @Override
  public void close() {
    watch.close();
  }
}
