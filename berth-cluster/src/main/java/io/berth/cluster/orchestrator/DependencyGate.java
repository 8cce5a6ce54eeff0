package io.berth.cluster.orchestrator;

import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceDependencies;
import io.berth.cluster.model.ServiceDependencies.Dependency;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.state.Snapshot;
import io.berth.errdefs.InvalidArgumentException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Holds back the pending tasks of a service whose dependencies ({@link ServiceDependencies}, from
 * {@code depends_on} of {@code berth stack deploy}) do not hold yet: {@code service_started} needs
 * a task of the dependency whose container started (starting or running), {@code service_healthy}
 * a running one (a task with a health check counts as running only once healthy), and
 * {@code service_completed_successfully} one that completed. The reason is the task's error
 * ("waiting for dependency db (service_healthy)"), as {@code service ps} shows it. Read from the
 * snapshot at every pass, so it holds for replacements and rescheduled tasks too.
 */
final class DependencyGate {
  private final Map<String, Service> byId = new HashMap<>();
  private final Map<String, Service> byName = new HashMap<>();
  private final Map<String, List<Task>> tasksByService = new HashMap<>();

  DependencyGate(Snapshot snap) {
    for (Service s : snap.services()) {
      byId.put(s.id(), s);
      byName.put(s.spec().name().toLowerCase(Locale.ROOT), s);
    }
    for (Task t : snap.tasks()) {
      if (t.serviceId() != null) {
        tasksByService.computeIfAbsent(t.serviceId(), k -> new java.util.ArrayList<>()).add(t);
      }
    }
  }

  /** Why {@code task} must wait, or empty when it may be placed. */
  Optional<String> waitReason(Task task) {
    Service service = task.serviceId() == null ? null : byId.get(task.serviceId());
    if (service == null) {
      return Optional.empty();
    }
    ServiceDependencies deps;
    try {
      deps = ServiceDependencies.of(service.spec().labels());
    } catch (InvalidArgumentException e) {
      return Optional.of(e.getMessage()); // refused at create/update; a stored bad value waits rather than ignores
    }
    for (Dependency d : deps.dependencies()) {
      Service dep = byName.get(d.service().toLowerCase(Locale.ROOT));
      if (dep == null) {
        return Optional.of("waiting for dependency " + d.service() + " (" + d.condition().wire() + "): no such service");
      }
      if (!holds(d, tasksByService.getOrDefault(dep.id(), List.of()))) {
        return Optional.of("waiting for dependency " + d.service() + " (" + d.condition().wire() + ")");
      }
    }
    return Optional.empty();
  }

  private static boolean holds(Dependency d, List<Task> tasks) {
    for (Task t : tasks) {
      TaskState s = t.status().state();
      boolean ok = switch (d.condition()) {
        case SERVICE_STARTED -> TaskFacts.wanted(t) && (s == TaskState.STARTING || s == TaskState.RUNNING);
        case SERVICE_HEALTHY -> TaskFacts.wanted(t) && s == TaskState.RUNNING;
        case SERVICE_COMPLETED_SUCCESSFULLY -> s == TaskState.COMPLETE;
      };
      if (ok) {
        return true;
      }
    }
    return false;
  }
}
