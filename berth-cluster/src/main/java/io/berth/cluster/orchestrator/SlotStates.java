package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One slot of a replicated service or job, as a pass finds it: the task meant to run in it, or
 * what the restart policy says about the slot. Computing it retires (desired shutdown) what
 * cannot run any more: a task whose container ended, a task on a node that is down, drained or
 * gone, and the extra task of a slot that holds two.
 */
record SlotStates(long slot, List<Task> tasks, Task runnable, Restarts.Verdict verdict) {
  /** For choosing slots to remove on scale down: the emptiest kind of slot first. */
  int rank() {
    if (runnable == null) {
      return switch (verdict.kind()) {
        case NEVER -> 0;
        case LATER -> 1;
        case NOW -> 2;
      };
    }
    return runnable.status().state() == TaskState.RUNNING ? 4 : 3;
  }

  /**
   * In a start-first update, the slot's new task while it is on its way beside the old one still
   * running; null otherwise (then the keeper rule applies: once both run, the newer stays).
   */
  private static Task startFirst(Service service, List<Task> wanted) {
    if (wanted.size() != 2 || !Updates.config(service).startFirst()) {
      return null;
    }
    Task fresh = wanted.stream().filter(t -> TaskFacts.current(t, service)).findFirst().orElse(null);
    Task old = wanted.stream().filter(t -> !TaskFacts.current(t, service)).findFirst().orElse(null);
    if (fresh == null || old == null || old.status().state() != TaskState.RUNNING || TaskFacts.ended(fresh)
        || fresh.status().state() == TaskState.RUNNING) {
      return null;
    }
    return fresh;
  }

  /**
   * The slot's state after retiring what cannot run; retirements go into {@code plan}.
   *
   * @param tasks the slot's tasks that are not removed
   */
  static SlotStates of(Service service, long slot, List<Task> tasks, NodeView nodes, Instant now, Plan plan) {
    List<Task> wanted = tasks.stream().filter(TaskFacts::wanted).toList();
    Task starting = startFirst(service, wanted);
    if (starting != null) {
      return new SlotStates(slot, tasks, starting, null); // both run until the new one does
    }
    // a running task of the current spec wins (the end of a start-first replacement), else the keeper rule
    Task keep = wanted.stream().filter(t -> TaskFacts.current(t, service) && t.status().state() == TaskState.RUNNING)
        .findFirst().orElseGet(() -> TaskFacts.keeper(wanted));
    for (Task t : wanted) {
      if (t != keep) {
        plan.update(TaskMaker.desire(plan.latest(t), TaskState.SHUTDOWN, now));
      }
    }
    if (keep != null && (TaskFacts.ended(keep) || (!keep.nodeId().isEmpty() && TaskFacts.unfit(nodes.get(keep.nodeId()))))) {
      plan.update(TaskMaker.desire(plan.latest(keep), TaskState.SHUTDOWN, now));
      keep = null;
    }
    if (keep != null) {
      return new SlotStates(slot, tasks, keep, null);
    }
    List<Task> history = new ArrayList<>(tasks.size());
    tasks.forEach(t -> history.add(plan.latest(t)));
    Task newest = history.stream().max(TaskFacts.BY_CREATION).orElse(null);
    Node node = newest == null ? null : nodes.get(newest.nodeId());
    return new SlotStates(slot, tasks, null, Restarts.decide(service, history, node, nodes.downSilence(), now, false));
  }
}
