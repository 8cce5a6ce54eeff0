package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import java.time.Instant;
import java.util.List;

/**
 * Rolls a service's tasks onto its current spec after {@code service update}: Docker's default
 * update config (parallelism 1, stop first, no delay). Level-triggered, the "one at a time" is
 * read from the tasks: while a task of the current spec is not yet running, nothing else is
 * replaced; otherwise the outdated task of the lowest slot is shut down and a task of the new
 * spec made in its place (for a global service, on its node).
 */
final class Updates {
  private Updates() {}

  /** @param runnable the service's tasks meant to run after this pass's retirements, one per slot or node */
  static void replaceOneOutdated(Service service, List<Task> runnable, Instant now, Plan plan) {
    Task outdated = null;
    for (Task t : runnable) {
      if (TaskFacts.current(t, service)) {
        if (t.status().state() != TaskState.RUNNING) {
          return;
        }
      } else if (outdated == null || t.slot() < outdated.slot()
          || (t.slot() == outdated.slot() && t.nodeId().compareTo(outdated.nodeId()) < 0)) {
        outdated = t;
      }
    }
    if (outdated == null) {
      return;
    }
    plan.update(TaskMaker.desire(plan.latest(outdated), TaskState.SHUTDOWN, now));
    String node = service.spec().mode().global() != null ? outdated.nodeId() : "";
    plan.create(TaskMaker.make(service, outdated.slot(), node, TaskState.RUNNING, now));
  }
}
