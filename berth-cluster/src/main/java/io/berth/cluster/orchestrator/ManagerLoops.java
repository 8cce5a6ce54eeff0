package io.berth.cluster.orchestrator;

import io.berth.cluster.allocator.AllocationPass;
import io.berth.cluster.scheduler.Scheduler;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.FailedPreconditionException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The loops only the Raft leader runs: allocation ({@link AllocationPass}), orchestration ({@link Orchestration}), scheduling
 * ({@link SchedulingPass}) and the task reaper ({@link TaskReaper}), each on its own thread
 * ({@link PassLoop}). They keep nothing between passes but hints, so they may be started on any
 * state: the daemon starts them when this manager becomes leader and closes them when it stops
 * being leader; writes a deposed leader still makes are refused by the store (stale versions).
 */
public final class ManagerLoops implements AutoCloseable {
  /** How often passes run when nothing changes (restart delays, heartbeats gone quiet). */
  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(1);

  private final List<PassLoop> loops;
  private boolean started;
  private boolean closed;

  public ManagerLoops(ClusterState state, Clock clock) {
    this(state, clock, DEFAULT_PERIOD);
  }

  /** @param period the longest a loop sleeps without a store change */
  public ManagerLoops(ClusterState state, Clock clock, Duration period) {
    this(state, clock, period, new io.berth.cluster.metrics.ClusterTallies());
  }

  /** {@code tallies}: where the passes' times and the scheduler's outcomes are counted (metrics). */
  public ManagerLoops(ClusterState state, Clock clock, Duration period, io.berth.cluster.metrics.ClusterTallies tallies) {
    SchedulingPass scheduling = new SchedulingPass(Scheduler.standard(clock), clock, tallies);
    AllocationPass allocation = new AllocationPass(clock);
    this.loops = List.of(
        new PassLoop("allocator", state, clock, period, allocation::pass, tallies),
        new PassLoop("orchestrator", state, clock, period, snap -> Orchestration.pass(snap, clock.instant()), tallies),
        new PassLoop("scheduler", state, clock, period, scheduling::pass, tallies),
        new PassLoop("task-reaper", state, clock, period, TaskReaper::pass, tallies));
  }

  /** Starts the loops; once only (a new term of leadership builds new loops). */
  public synchronized void start() {
    if (started) {
      throw new FailedPreconditionException("manager loops already started: a new term of leadership builds new ones");
    }
    started = true;
    loops.forEach(PassLoop::start);
  }

  /** Stops the loops and waits for their threads; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    boolean interrupted = false;
    for (PassLoop l : loops) {
      try {
        l.stop();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
