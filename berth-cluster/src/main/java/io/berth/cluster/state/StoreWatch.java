package io.berth.cluster.state;

import io.berth.errdefs.ConflictException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one level-triggered pass whenever the cluster store moves, and at least once a period:
 * the loop under the small duties that keep something in line with the store (the managers'
 * marks, a root rotation's end, a node key under the unlock key). A pass that loses a race
 * ("update out of sequence") runs again on the next move; one that fails otherwise is logged and
 * retried after a period, so a bad pass never ends the duty. Closing ends the thread.
 */
public final class StoreWatch implements AutoCloseable {
  /** One pass: decides from the store alone and writes what differs. */
  @FunctionalInterface
  public interface Pass {
    void run() throws InterruptedException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(StoreWatch.class);

  private final ClusterState state;
  private final Duration period;
  private final String what;
  private final Pass pass;
  private final Thread thread;
  private volatile boolean closed;

  private StoreWatch(ClusterState state, Duration period, String what, Pass pass) {
    this.state = state;
    this.period = period;
    this.what = what;
    this.pass = pass;
    this.thread = Thread.ofPlatform().daemon().name(what.replace(' ', '-')).unstarted(this::run);
  }

  /** Starts a watch named {@code what} (its thread's name and its log lines' subject). */
  public static StoreWatch start(ClusterState state, Duration period, String what, Pass pass) {
    StoreWatch w = new StoreWatch(state, period, what, pass);
    w.thread.start();
    return w;
  }

  private void run() {
    long last = -1;
    while (!closed) {
      try {
        last = state.store().awaitIndex(last, period);
        pass.run();
      } catch (InterruptedException e) {
        return;
      } catch (ConflictException e) {
        LOG.debug("{}: a concurrent write came first, trying again: {}", what, e.getMessage());
      } catch (RuntimeException e) {
        LOG.warn("{}: {}", what, e.getMessage());
        try {
          Thread.sleep(period.toMillis());
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
