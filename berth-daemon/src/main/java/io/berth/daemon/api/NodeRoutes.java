package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.berth.cluster.control.NodeControl;
import io.berth.cluster.model.Node;
import io.berth.daemon.events.EventBus;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /nodes*} ({@code docker node ls|inspect|update|promote|demote|rm}) over
 * {@link NodeControl}, on a manager only; node events (update, remove) with Docker's attributes.
 */
public final class NodeRoutes {
  private final ManagerAccess access;
  private final EventBus events;

  public NodeRoutes(Optional<SwarmMembership> swarm, EventBus events, Clock clock) {
    this.access = new ManagerAccess(swarm, clock);
    this.events = events;
  }

  public void register(Router r) {
    r.add("GET", "/nodes", this::list);
    r.add("GET", "/nodes/{id}", (q, s) -> Json.send(s, 200, SwarmJson.model(access.nodes().inspect(q.param("id")))));
    r.add("DELETE", "/nodes/{id}", (q, s) -> {
      Node gone = access.nodes().remove(q.param("id"), q.flag("force"));
      events.publish("node", "remove", gone.id(), Map.of("name", name(gone)));
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
    Node after = nodes.update(before.id(), version, spec);
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("name", name(after));
    if (before.spec().availability() != after.spec().availability()) {
      attrs.put("availability.old", before.spec().availability().wire());
      attrs.put("availability.new", after.spec().availability().wire());
    }
    if (before.spec().role() != after.spec().role()) {
      attrs.put("role.old", before.spec().role().wire());
      attrs.put("role.new", after.spec().role().wire());
    }
    events.publish("node", "update", after.id(), attrs);
    s.send(200, null, new byte[0]);
  }

  /** Docker's event name of a node: its spec name, else its hostname. */
  static String name(Node n) {
    return n.spec().name() != null && !n.spec().name().isEmpty() ? n.spec().name() : n.description().hostname();
  }
}
