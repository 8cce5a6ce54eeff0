package io.berth.cluster.orchestrator;

import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.state.Ids;
import java.time.Instant;

/**
 * Makes a service's new tasks, the orchestrators' one way to add work: the spec is the service's
 * template as it is now, the ports its published ones, and the fields only the orchestrator
 * writes (service, slot, desired state) are set here; the node stays empty for the scheduler
 * except for a global service's task, which names its node for the scheduler to confirm.
 */
final class TaskMaker {
  /** The message a task waits with until the scheduler places it (swarmkit's words). */
  static final String PENDING_MESSAGE = "pending task scheduling";

  private TaskMaker() {}

  /**
   * A new task of {@code service}. It starts in status pending: swarmkit's allocator moves a new
   * task from new to pending once its networks are allocated; Berth has no allocator yet, so the
   * orchestrator hands the task straight to the scheduler.
   */
  static Task make(Service service, long slot, String nodeId, TaskState desired, Instant now) {
    return new Task(Ids.newId(), null, now, now, service.spec().taskTemplate(), service.id(), slot, nodeId,
        new TaskStatus(now, TaskState.PENDING, PENDING_MESSAGE, null), desired,
        new Task.Endpoint(service.spec().endpointSpec().ports()),
        new Task.ServiceAnnotations(service.spec().name()));
  }

  /** {@code t} with its desired state moved on, written now (a restart delay counts from here). */
  static Task desire(Task t, TaskState desired, Instant now) {
    return t.withDesiredState(desired).touchedAt(now);
  }
}
