package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code service rm} deletes the service object only; this pass then desires "remove" of every
 * task left without its service, so agents stop them and the reaper deletes them once stopped
 * (swarmkit's DeleteServiceTasks). Finding them by the missing service, not by the delete event,
 * means a leader that missed the event still cleans up.
 */
final class ServiceRemoval {
  private ServiceRemoval() {}

  static void pass(List<Service> services, List<Task> tasks, Instant now, Plan plan) {
    Set<String> ids = services.stream().map(Service::id).collect(Collectors.toSet());
    for (Task t : tasks) {
      if (plan.full()) {
        return;
      }
      if (!ids.contains(t.serviceId()) && !TaskFacts.removed(t) && !t.isAttachment()) { // its node detaches it
        plan.update(TaskMaker.desire(plan.latest(t), TaskState.REMOVE, now));
      }
    }
  }
}
