package io.berth.cluster.orchestrator;

import io.berth.cluster.state.ClusterState;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the leader's duties ({@link ManagerLoops}, and whatever else only the leader may do)
 * exactly while this manager leads: a watcher thread asks {@code isLeader} (e.g. {@code
 * RaftClusterStore::isLeader}) whenever the store's index moves (a new leader's first entry moves
 * it) and once a second otherwise, starts fresh duties when leadership is gained and closes them
 * when it is lost. Leadership is polled, not signalled: the duties are level-triggered, so one
 * started a moment late loses nothing, and a poll cannot be lost as a callback can.
 */
public final class LeaderLoops implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLoops.class);
  private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  private final ClusterState state;
  private final BooleanSupplier isLeader;
  private final Supplier<AutoCloseable> duties;
  private volatile boolean running;
  private Thread watcher;
  private AutoCloseable loops;

  /** Runs {@link ManagerLoops} while leading. */
  public LeaderLoops(ClusterState state, Clock clock, BooleanSupplier isLeader) {
    this(state, clock, isLeader, ManagerLoops.DEFAULT_PERIOD);
  }

  LeaderLoops(ClusterState state, Clock clock, BooleanSupplier isLeader, Duration period) {
    this(state, isLeader, () -> {
      ManagerLoops l = new ManagerLoops(state, clock, period);
      l.start();
      return l;
    });
  }

  /** Runs what {@code duties} starts (started, to be closed) while leading. */
  public LeaderLoops(ClusterState state, BooleanSupplier isLeader, Supplier<AutoCloseable> duties) {
    this.state = state;
    this.isLeader = isLeader;
    this.duties = duties;
  }

  public synchronized void start() {
    running = true;
    watcher = Thread.ofPlatform().daemon().name("berth-leader-loops").start(this::watch);
  }

  /** True while the loops run (this manager was leader at the last check). */
  public synchronized boolean leading() {
    return loops != null;
  }

  private void watch() {
    long index = -1;
    while (running) {
      try {
        follow(isLeader.getAsBoolean());
        index = state.store().awaitIndex(Math.max(index, state.store().index()), CHECK_EVERY);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("leadership check failed: {}", e.toString());
        try {
          Thread.sleep(CHECK_EVERY);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private synchronized void follow(boolean leader) {
    if (!running) {
      return;
    }
    if (leader && loops == null) {
      LOG.info("this manager leads: starting the leader's loops");
      loops = duties.get();
    } else if (!leader && loops != null) {
      LOG.info("this manager no longer leads: stopping the leader's loops");
      closeLoops();
    }
  }

  /** Stops watching and closes the loops if they run. */
  @Override
  public void close() {
    Thread w;
    synchronized (this) {
      running = false;
      w = watcher;
      if (loops != null) {
        closeLoops();
      }
    }
    if (w != null) {
      w.interrupt();
      try {
        w.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void closeLoops() {
    try {
      loops.close();
    } catch (Exception e) {
      LOG.warn("stopping the leader's loops: {}", e.toString());
    }
    loops = null;
  }
}
