package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.scheduler.Decisions;
import io.berth.cluster.scheduler.NodeSet;
import io.berth.cluster.scheduler.Scheduler;
import io.berth.cluster.state.Snapshot;
import io.berth.cluster.model.TaskStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Drives the {@link Scheduler} over a snapshot: every pending task still meant to run (with no
 * node, or a global task's node to confirm) goes to one scheduling pass over all nodes with the
 * tasks already on them counted; the placements, and the explanations of tasks no node takes,
 * are written as one plan. An explanation is rewritten only when it changed, so a cluster that
 * cannot place a task does not write on every pass. Nodes that are down, paused or drained are
 * in the set, refused by the scheduler's ready filter: Docker counts them in its explanation
 * ("1 node not available for new tasks"). Tasks whose service waits for another
 * ({@link DependencyGate}) are not offered to the scheduler; they stay pending with the reason.
 */
public final class SchedulingPass {
  private static final Comparator<Task> ORDER = Comparator
      .comparing((Task t) -> t.serviceId() == null ? "" : t.serviceId())
      .thenComparingLong(Task::slot)
      .thenComparing(TaskFacts.BY_CREATION);

  private final Scheduler scheduler;
  private final java.time.Clock clock;
  private final io.berth.cluster.metrics.ClusterTallies tallies;

  public SchedulingPass(Scheduler scheduler) {
    this(scheduler, java.time.Clock.systemUTC(), new io.berth.cluster.metrics.ClusterTallies());
  }

  /** {@code tallies}: where placements (with how long tasks waited) and failures by reason are counted. */
  public SchedulingPass(Scheduler scheduler, java.time.Clock clock, io.berth.cluster.metrics.ClusterTallies tallies) {
    this.scheduler = scheduler;
    this.clock = clock;
    this.tallies = tallies;
  }

  public Plan pass(Snapshot snap) {
    Plan plan = new Plan();
    List<Task> ready = snap.tasks().stream()
        .filter(t -> t.status().state() == TaskState.PENDING && TaskFacts.wanted(t))
        .sorted(ORDER)
        .toList();
    DependencyGate gate = new DependencyGate(snap);
    List<Task> pending = new ArrayList<>();
    for (Task t : ready) {
      Optional<String> wait = gate.waitReason(t);
      if (wait.isEmpty()) {
        pending.add(t);
      } else if (!wait.get().equals(t.status().err()) && !plan.full()) {
        TaskStatus st = t.status();
        plan.update(t.withStatus(new TaskStatus(st.timestamp(), st.state(), st.message(), wait.get())));
      }
    }
    if (pending.isEmpty()) {
      return plan;
    }
    Decisions d = scheduler.schedule(NodeSet.of(snap.nodes(), snap.tasks()), pending);
    java.util.Map<String, java.time.Instant> pendingSince = new java.util.HashMap<>();
    pending.forEach(t -> pendingSince.put(t.id(), t.status().timestamp()));
    java.time.Instant now = clock.instant();
    // all are decided (so each placement counts on its node), at most a plan's worth written:
    // the rest is decided again by the next pass, which follows at once
    for (Task t : d.assigned()) {
      if (plan.full()) {
        return plan;
      }
      plan.update(t);
      java.time.Instant since = pendingSince.get(t.id());
      if (since != null) {
        tallies.scheduled(java.time.Duration.between(since, now).toNanos());
      }
    }
    // the scheduler hands back the very task it was given when nothing about it changed
    Set<Task> unchanged = Collections.newSetFromMap(new IdentityHashMap<>());
    unchanged.addAll(pending);
    for (Task t : d.pending()) {
      if (plan.full()) {
        return plan;
      }
      if (!unchanged.contains(t)) {
        plan.update(t);
        // counted when the reason is new to the task, not on every pass that finds it still pending
        tallies.unschedulable(io.berth.cluster.metrics.ClusterTallies.reasonOf(t.status().err()));
      }
    }
    return plan;
  }
}
