package io.berth.cluster.control;

import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.state.ClusterState;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads of tasks ({@code docker service ps}, {@code node ps}, {@code inspect} of a task): the
 * filters Docker's {@code GET /tasks} takes, with service and node filters given by id or name
 * and resolved the way {@code service inspect} and {@code node inspect} resolve them.
 */
public final class TaskQueries {
  /**
   * The filter the docker CLI adds while it waits for a service to converge: only tasks made
   * from the service's current spec (swarmkit's UpToDate), so tasks of the spec being replaced
   * do not count as converged.
   */
  static final String UP_TO_DATE = "_up-to-date";
  private static final Set<String> LIST_FILTERS = Set.of("desired-state", "id", "label", "name", "node", "service",
      UP_TO_DATE);

  private final ClusterState state;
  private final ServiceControl services;
  private final NodeControl nodes;

  public TaskQueries(ClusterState state, Clock clock) {
    this.state = state;
    this.services = new ServiceControl(state, clock);
    this.nodes = new NodeControl(state, clock);
  }

  /** By full id or id prefix ("task X not found" otherwise). */
  public Task inspect(String ref) {
    return Lookup.find("task", ref, state.tasks(), Task::id, t -> false);
  }

  /**
   * Docker's task filters: desired-state (running, shutdown, accepted), id (prefix), label (the
   * container's labels), name (the {@code SERVICE.SLOT} name's prefix), node and service (ids or
   * names; one that does not exist is an error, as in Docker).
   */
  public List<Task> list(Filters filters) {
    filters.accept(LIST_FILTERS);
    Set<String> serviceIds = new HashSet<>();
    filters.get("service").forEach(ref -> serviceIds.add(services.inspect(ref).id()));
    Set<String> nodeIds = new HashSet<>();
    filters.get("node").forEach(ref -> nodeIds.add(nodes.inspect(ref).id()));
    Map<String, String> names = new HashMap<>();
    Map<String, io.berth.cluster.model.TaskSpec> templates = new HashMap<>();
    state.services().forEach(s -> {
      names.put(s.id(), s.spec().name());
      templates.put(s.id(), s.spec().taskTemplate());
    });
    boolean upToDate = filters.get(UP_TO_DATE).contains("true") || filters.get(UP_TO_DATE).contains("1");
    return state.tasks().stream()
        .filter(t -> !t.isAttachment()) // a plain container's attachment is no task to list (Docker's too)
        .filter(t -> serviceIds.isEmpty() || serviceIds.contains(t.serviceId()))
        .filter(t -> nodeIds.isEmpty() || nodeIds.contains(t.nodeId()))
        .filter(t -> filters.any("id", t.id()::startsWith))
        .filter(t -> filters.any("desired-state", d -> t.desiredState().wire().equals(d)))
        .filter(t -> filters.any("name", n -> name(t, names).startsWith(n)))
        .filter(t -> filters.labels("label", t.spec().containerSpec().labels()))
        .filter(t -> !upToDate || t.spec().equals(templates.get(t.serviceId())))
        .toList();
  }

  /** The service a task belongs to, if it still exists. */
  public java.util.Optional<Service> serviceOf(Task t) {
    return state.service(t.serviceId());
  }

  /** Docker's task name: the service's name and the slot (a global service's task: the node id). */
  static String name(Task t, Map<String, String> serviceNames) {
    String service = serviceNames.getOrDefault(t.serviceId(), t.serviceId());
    return service + "." + (t.slot() > 0 ? Long.toString(t.slot()) : t.nodeId());
  }
}
