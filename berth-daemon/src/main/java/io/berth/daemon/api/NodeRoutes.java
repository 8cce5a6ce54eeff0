package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.berth.cluster.control.NodeControl;
import io.berth.cluster.model.Node;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code /nodes*} ({@code docker node ls|inspect|update|promote|demote|rm}) over
 * {@link NodeControl}, on a manager only. Node events come from the store ({@code swarm.ClusterEvents}).
 */
public final class NodeRoutes {
  private final ManagerAccess access;

  public NodeRoutes(Optional<SwarmMembership> swarm, Clock clock) {
    this.access = new ManagerAccess(swarm, clock);
  }

  public void register(Router r) {
    r.add("GET", "/nodes", this::list);
    r.add("GET", "/nodes/{id}", (q, s) -> Json.send(s, 200, SwarmJson.model(access.nodes().inspect(q.param("id")))));
    r.add("DELETE", "/nodes/{id}", (q, s) -> {
      access.nodes().remove(q.param("id"), q.flag("force"));
      s.send(200, null, new byte[0]);
    });
    r.add("POST", "/nodes/{id}/update", this::update);
  }

  private void list(HttpRequest q, HttpResponse s) {
    ArrayNode out = Json.array();
    access.nodes().list(ClusterRequests.filters(q.query("filters"))).forEach(n -> out.add(SwarmJson.model(n)));
    Json.send(s, 200, out);
  }

  private void update(HttpRequest q, HttpResponse s) throws IOException {
    long version = ClusterRequests.version(q.query("version"), "node");
    var spec = ClusterRequests.nodeSpec(Json.body(q));
    NodeControl nodes = access.nodes();
    Node before = nodes.inspect(q.param("id"));
    nodes.update(before.id(), version, spec);
    s.send(200, null, new byte[0]);
  }
}
