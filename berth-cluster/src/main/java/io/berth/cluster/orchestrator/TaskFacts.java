package io.berth.cluster.orchestrator;

import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The questions every orchestrator asks of a task and its node, answered one way for all of them
 * (swarmkit's rules), so the replicated, global and job orchestrators cannot drift apart.
 */
final class TaskFacts {
  /** Oldest first by creation (then id, so the order is total): the last one is a slot's newest task. */
  static final Comparator<Task> BY_CREATION = Comparator
      .comparing((Task t) -> t.createdAt() == null ? Instant.EPOCH : t.createdAt())
      .thenComparing(Task::id);

  private TaskFacts() {}

  /** Still meant to run (desired running, or complete for a job's task). */
  static boolean wanted(Task t) {
    return t.desiredState().compareTo(TaskState.COMPLETE) <= 0;
  }

  /** Taken out of its slot (scale down, service removed): the reaper deletes it once it stopped. */
  static boolean removed(Task t) {
    return t.desiredState().compareTo(TaskState.REMOVE) >= 0;
  }

  /** The task's container will not run again (its agent said so). */
  static boolean ended(Task t) {
    return t.status().state().isTerminal();
  }

  /**
   * Made from the service as it is now: same template and endpoint spec (the one the task was made
   * from, not the ports the allocator filled in since). Older tasks are outdated.
   */
  static boolean current(Task t, Service s) {
    return t.spec().equals(s.spec().taskTemplate()) && t.endpoint().spec().equals(s.spec().endpointSpec());
  }

  /**
   * A node that cannot keep its tasks: gone, down (missed heartbeats) or drained. swarmkit's
   * "invalid node"; a paused node keeps its tasks.
   */
  static boolean unfit(Node n) {
    return n == null || n.status().state() == NodeState.DOWN || n.spec().availability() == NodeAvailability.DRAIN;
  }

  static boolean drained(Node n) {
    return n != null && n.spec().availability() == NodeAvailability.DRAIN;
  }

  /**
   * Of a slot's wanted tasks (normally one), the one to keep: one the agent reports running,
   * else the newest. Two exist only after a race between two leaders' passes.
   */
  static Task keeper(List<Task> wanted) {
    Task best = null;
    for (Task t : wanted) {
      if (best == null) {
        best = t;
        continue;
      }
      boolean tRuns = t.status().state() == TaskState.RUNNING;
      boolean bestRuns = best.status().state() == TaskState.RUNNING;
      if (tRuns != bestRuns ? tRuns : BY_CREATION.compare(t, best) > 0) {
        best = t;
      }
    }
    return best;
  }
}
