package io.berth.cluster.orchestrator;

import io.berth.cluster.state.ClusterState;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ManagerLoops} exactly while this manager leads: a watcher thread asks {@code
 * isLeader} (e.g. {@code RaftClusterStore::isLeader}) whenever the store's index moves (a new
 * leader's first entry moves it) and once a second otherwise, starts fresh loops when leadership
 * is gained and closes them when it is lost. Optional: a daemon that learns of leadership
 * changes another way may start and close {@link ManagerLoops} itself.
 */
public final class LeaderLoops implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLoops.class);
  private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  private final ClusterState state;
  private final Clock clock;
  private final BooleanSupplier isLeader;
  private final Duration period;
  private volatile boolean running;
  private Thread watcher;
  private ManagerLoops loops;

  public LeaderLoops(ClusterState state, Clock clock, BooleanSupplier isLeader) {
    this(state, clock, isLeader, ManagerLoops.DEFAULT_PERIOD);
  }

  LeaderLoops(ClusterState state, Clock clock, BooleanSupplier isLeader, Duration period) {
    this.state = state;
    this.clock = clock;
    this.isLeader = isLeader;
    this.period = period;
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
      LOG.info("this manager leads: starting the orchestrator, scheduler and task reaper");
      loops = new ManagerLoops(state, clock, period);
      loops.start();
    } else if (!leader && loops != null) {
      LOG.info("this manager no longer leads: stopping the orchestrator, scheduler and task reaper");
      loops.close();
      loops = null;
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
        loops.close();
        loops = null;
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
}
