package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.Snapshot;
import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.NotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one level-triggered pass over and over on its own thread: read a snapshot, write the
 * pass's plan in one batch, then sleep until the store moves past what was read, or the pass's
 * own wake-up time (a restart delay), or {@code period} at the latest, so time-based work is
 * looked at even when nothing is written. A batch refused because another writer came first
 * (Conflict, NotFound, AlreadyExists) is not retried as it was: the next pass reads again. Any
 * other failure (no quorum, a bug) is logged and the loop waits a period before trying again,
 * so a failing store is not hammered.
 */
final class PassLoop {
  private static final Logger LOG = LoggerFactory.getLogger(PassLoop.class);
  private static final Duration SHORTEST_WAIT = Duration.ofMillis(5);

  private final String name;
  private final ClusterState state;
  private final Clock clock;
  private final Duration period;
  private final Function<Snapshot, Plan> pass;
  private final io.berth.cluster.metrics.ClusterTallies tallies;
  private volatile boolean running;
  private Thread thread;

  PassLoop(String name, ClusterState state, Clock clock, Duration period, Function<Snapshot, Plan> pass,
      io.berth.cluster.metrics.ClusterTallies tallies) {
    this.tallies = tallies;
    this.name = name;
    this.state = state;
    this.clock = clock;
    this.period = period;
    this.pass = pass;
  }

  void start() {
    running = true;
    thread = Thread.ofPlatform().daemon().name("berth-" + name).start(this::run);
  }

  /** Stops the loop and waits for its thread (a pass in flight finishes its write first). */
  void stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.interrupt();
      thread.join(Duration.ofSeconds(10));
      if (thread.isAlive()) {
        LOG.warn("{} loop did not stop within 10 s", name);
      }
    }
  }

  private void run() {
    while (running) {
      try {
        long began = System.nanoTime();
        Snapshot snap = state.snapshot();
        Plan plan = pass.apply(snap);
        if (!plan.isEmpty()) {
          try {
            plan.apply(state);
            LOG.debug("{} pass at index {} wrote {}", name, snap.index(), plan);
          } catch (ConflictException | NotFoundException | AlreadyExistsException e) {
            // the store moved past what was read (that is what refused the batch): the wait below
            // returns at once and the next pass reads the newer state
            LOG.debug("{} pass at index {} lost a race, reading again: {}", name, snap.index(), e.getMessage());
          }
        }
        tallies.pass(name, System.nanoTime() - began);
        state.store().awaitIndex(snap.index(), waitFor(plan));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        LOG.warn("{} pass failed, trying again in {} ms: {}", name, period.toMillis(), e.toString());
        try {
          Thread.sleep(period);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private Duration waitFor(Plan plan) {
    Duration wait = period;
    if (plan.wakeAt().isPresent()) {
      Duration untilDue = Duration.between(clock.instant(), plan.wakeAt().get());
      if (untilDue.compareTo(wait) < 0) {
        wait = untilDue;
      }
    }
    return wait.compareTo(SHORTEST_WAIT) < 0 ? SHORTEST_WAIT : wait;
  }

  @Override
  public String toString() {
    return "PassLoop[" + name + "]";
  }
}
