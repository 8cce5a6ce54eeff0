package io.berth.daemon.swarm;

import io.berth.cluster.ca.keys.UnlockKey;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.state.ClusterState;
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

  private final ClusterState state;
  private final NodeKeys keys;
  private final Thread thread;
  private volatile boolean closed;

  private UnlockKeyFollower(ClusterState state, NodeKeys keys) {
    this.state = state;
    this.keys = keys;
    this.thread = Thread.ofPlatform().daemon().name("swarm-unlock-key").unstarted(this::run);
  }

  static UnlockKeyFollower start(ClusterState state, NodeKeys keys) {
    UnlockKeyFollower f = new UnlockKeyFollower(state, keys);
    f.thread.start();
    return f;
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

  private void run() {
    long last = -1;
    while (!closed) {
      try {
        last = state.store().awaitIndex(last, WAIT);
        UnlockKey next = desired(state.cluster(), UnlockKeys.read(state), keys.current());
        if (keys.lockWith(next)) {
          LOG.info(next == null ? "autolock is off: the node key is stored unencrypted"
              : "the node key is now encrypted under the swarm's unlock key");
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("keeping the node key under the swarm's unlock key: {}", e.getMessage());
        pause();
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(WAIT.toMillis());
    } catch (InterruptedException e) {
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
