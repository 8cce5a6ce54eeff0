package io.berth.cluster.orchestrator;

import io.berth.cluster.model.Endpoint;
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
  /** The message a new task waits with until the allocator hands it on (swarmkit's words). */
  static final String NEW_MESSAGE = "created";

  private TaskMaker() {}

  /**
   * A new task of {@code service}, in status new as swarmkit makes it: the allocator gives it its
   * network addresses and its service's allocated endpoint and moves it to pending, where the
   * scheduler takes it.
   */
  static Task make(Service service, long slot, String nodeId, TaskState desired, Instant now) {
    return new Task(Ids.newId(), null, now, now, service.spec().taskTemplate(), service.id(), slot, nodeId,
        new TaskStatus(now, TaskState.NEW, NEW_MESSAGE, null), desired,
        Endpoint.of(service.spec().endpointSpec()),
        new Task.ServiceAnnotations(service.spec().name(), service.spec().labels()));
  }

  /** {@code t} with its desired state moved on, written now (a restart delay counts from here). */
  static Task desire(Task t, TaskState desired, Instant now) {
    return t.withDesiredState(desired).touchedAt(now);
  }
}
