package io.berth.daemon.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.control.Filters;
import io.berth.cluster.control.TaskQueries;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.daemon.records.RecordJson;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/services/{id}}: the service as {@code docker service inspect} shows it, and every
 * task it has had (its history, newest first per slot), with their errors. The registry
 * credentials a service may carry ({@code --with-registry-auth}) never leave the managers.
 */
final class ServiceDetail {
  private final ClusterAccess cluster;

  ServiceDetail(ClusterAccess cluster) {
    this.cluster = cluster;
  }

  ObjectNode read(String ref) {
    Service svc = cluster.services().inspect(ref);
    ObjectNode out = io.berth.oci.Json.MAPPER.valueToTree(svc);
    withoutCredentials(out.path("Spec").path("TaskTemplate").path("ContainerSpec"));
    withoutCredentials(out.path("PreviousSpec").path("TaskTemplate").path("ContainerSpec"));
    TaskQueries tasks = cluster.tasks();
    List<Task> history = tasks.list(new Filters(Map.of("service", List.of(svc.id())))).stream()
        .sorted(Comparator.comparingLong(Task::slot).thenComparing(Task::nodeId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(t -> t.status().timestamp(), Comparator.nullsLast(Comparator.reverseOrder())))
        .toList();
    ObjectNode body = RecordJson.object();
    body.set("Service", out);
    ArrayNode list = body.putArray("Tasks");
    history.forEach(t -> list.add(ClusterView.task(t)));
    return body;
  }

  private static void withoutCredentials(JsonNode containerSpec) {
    if (containerSpec instanceof ObjectNode c) {
      c.remove("PullOptions");
    }
  }
}
