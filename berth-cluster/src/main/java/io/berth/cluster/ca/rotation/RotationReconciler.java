package io.berth.cluster.ca.rotation;

import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoreWatch;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's watch over a root rotation: whenever the store moves (and at least once a second)
 * it checks whether every node now reports a certificate from the new root, and finishes the
 * rotation when they do. Level-triggered: a pass missed, or a leader change half way, loses
 * nothing, because each pass decides from the store alone.
 */
public final class RotationReconciler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RotationReconciler.class);
  private static final Duration WAIT = Duration.ofSeconds(1);

  private final ClusterState state;
  private final BooleanSupplier leading;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private StoreWatch watch;

  public RotationReconciler(ClusterState state, BooleanSupplier leading, Clock clock) {
    this.state = state;
    this.leading = leading;
    this.clock = clock;
  }

  public synchronized RotationReconciler start() {
    watch = StoreWatch.start(state, WAIT, "ca rotation reconciler", () -> {
      if (leading.getAsBoolean() && RootRotation.finishIfConverged(state, clock, random)) {
        LOG.info("root CA rotation finished: every node holds a certificate from the new root");
      }
    });
    return this;
  }

  @Override
  public synchronized void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
