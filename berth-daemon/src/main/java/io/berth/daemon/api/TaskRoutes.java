package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.time.Clock;
import java.util.Optional;

/** {@code GET /tasks} and {@code /tasks/{id}} ({@code docker service ps}, {@code node ps}, {@code inspect}). */
public final class TaskRoutes {
  private final ManagerAccess access;

  public TaskRoutes(Optional<SwarmMembership> swarm, Clock clock) {
    this.access = new ManagerAccess(swarm, clock);
  }

  public void register(Router r) {
    r.add("GET", "/tasks", this::list);
    r.add("GET", "/tasks/{id}", (q, s) -> Json.send(s, 200, SwarmJson.task(access.tasks().inspect(q.param("id")))));
  }

  private void list(HttpRequest q, HttpResponse s) {
    ArrayNode out = Json.array();
    access.tasks().list(ClusterRequests.filters(q.query("filters"))).forEach(t -> out.add(SwarmJson.task(t)));
    Json.send(s, 200, out);
  }
}
