package io.berth.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.network.NetworkManager;
import io.berth.daemon.network.NetworkMembers;
import io.berth.daemon.network.NetworkRecord;
import io.berth.daemon.network.NetworkService;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.cluster.model.NetworkSpec;
import io.berth.daemon.swarm.SwarmMembership;
import java.time.Clock;
import java.util.Optional;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Engine API's {@code /networks} endpoints: list, inspect, create, remove, prune, and
 * connect/disconnect of containers, for the bridge driver; on a swarm manager the swarm's overlay
 * networks too ({@link ClusterNetworks}): listed and inspected beside the node's own, created with
 * {@code -d overlay}, removed by name or id.
 */
public final class NetworkRoutes {
  private final NetworkManager networks;
  private final ContainerService containers;
  private final ClusterNetworks cluster;

  public NetworkRoutes(NetworkManager networks, ContainerService containers, Optional<SwarmMembership> swarm,
      Clock clock) {
    this.networks = networks;
    this.containers = containers;
    this.cluster = new ClusterNetworks(swarm, clock);
  }

  public void register(Router r) {
    r.add("GET", "/networks", this::list);
    r.add("GET", "/networks/{id}", (q, s) -> Json.send(s, 200, inspect(q.param("id"))));
    r.add("POST", "/networks/create", this::create);
    r.add("POST", "/networks/prune", this::prune);
    r.add("DELETE", "/networks/{id}", (q, s) -> {
      remove(q.param("id"));
      s.send(204, null, new byte[0]);
    });
    r.add("POST", "/networks/{id}/connect", (q, s) -> {
      ObjectNode body = Json.body(q);
      containers.connections().connect(container(body), q.param("id"), body.get("EndpointConfig"));
      s.send(200, null, new byte[0]);
    });
    r.add("POST", "/networks/{id}/disconnect", (q, s) -> {
      ObjectNode body = Json.body(q);
      containers.connections().disconnect(container(body), q.param("id"));
      s.send(200, null, new byte[0]);
    });
  }

  private static String container(ObjectNode body) {
    String c = body.path("Container").asText("");
    if (c.isEmpty()) {
      throw new InvalidArgumentException("no container specified (Container)");
    }
    return c;
  }

  /** The node's own network {@code ref} names, else the swarm's (Docker looks locally first too). */
  private ObjectNode inspect(String ref) {
    try {
      NetworkRecord local = networks.find(ref);
      if (local.driver().equals(NetworkService.OVERLAY)) {
        // this node's copy of a swarm overlay: a manager shows the swarm's object
        return cluster.find(local.id()).map(ClusterNetworkJson::view).orElseGet(() -> view(local));
      }
      return view(local);
    } catch (NotFoundException e) {
      return cluster.find(ref).map(ClusterNetworkJson::view).orElseThrow(() -> e);
    }
  }

  private void remove(String ref) {
    try {
      NetworkRecord local = networks.find(ref);
      if (local.driver().equals(NetworkService.OVERLAY)) {
        cluster.remove(cluster.find(local.id()).orElseThrow(() -> new io.berth.errdefs.ForbiddenException(
            "network " + local.name() + " is a swarm network: remove it on a manager")));
        return;
      }
    } catch (NotFoundException e) {
      cluster.remove(cluster.find(ref).orElseThrow(() -> e));
      return;
    }
    networks.remove(ref);
  }

  private void create(HttpRequest q, HttpResponse s) throws IOException {
    ObjectNode body = Json.body(q);
    if (body.path("Driver").asText("").equals(NetworkSpec.OVERLAY)) {
      try {
        Json.send(s, 201, Json.object().put("Id", cluster.create(ClusterNetworkJson.spec(body)).id()).put("Warning", ""));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new io.berth.errdefs.UnavailableException("network create interrupted");
      }
      return;
    }
    JsonNode ipam = body.path("IPAM");
    if (!ipam.path("Driver").asText("default").equals("default") && !ipam.path("Driver").asText().isEmpty()) {
      throw new InvalidArgumentException("IPAM driver " + ipam.path("Driver").asText() + " is not supported (default)");
    }
    List<JsonNode> v4 = new ArrayList<>();
    for (JsonNode c : ipam.path("Config")) {
      if (c.path("Subnet").asText("").contains(":")) {
        throw new InvalidArgumentException("IPv6 subnets are not supported yet: " + c.path("Subnet").asText());
      }
      v4.add(c);
    }
    if (v4.size() > 1) {
      throw new InvalidArgumentException("only one IPv4 subnet per network is supported, got " + v4.size());
    }
    if (body.path("EnableIPv6").asBoolean(false)) {
      throw new InvalidArgumentException("IPv6 networks are not supported yet");
    }
    JsonNode c = v4.isEmpty() ? Json.object() : v4.getFirst();
    NetworkRecord r = networks.create(new NetworkService.CreateRequest(
        body.path("Name").asText(""), body.path("Driver").asText("bridge"),
        text(c, "Subnet"), text(c, "Gateway"), text(c, "IPRange"),
        body.path("Internal").asBoolean(false), body.path("Attachable").asBoolean(false),
        ClusterNetworkJson.strings(body.path("Labels"), "Labels"),
        ClusterNetworkJson.strings(body.path("Options"), "Options")));
    ObjectNode out = Json.object();
    out.put("Id", r.id());
    out.put("Warning", "");
    Json.send(s, 201, out);
  }

  private static String text(JsonNode n, String field) {
    String v = n.path(field).asText("");
    return v.isEmpty() ? null : v;
  }

  private void list(HttpRequest q, HttpResponse s) {
    ArrayNode out = Json.array();
    JsonNode filters = ContainerRoutes.filtersJson(q.query("filters"));
    List<NetworkRecord> local = networks.list(filters);
    var swarm = cluster.list();
    java.util.Set<String> swarmIds = new java.util.HashSet<>();
    swarm.forEach(n -> swarmIds.add(n.id()));
    if (ClusterNetworkFilters.keepsLocal(filters)) {
      // a manager lists the swarm's overlays once, as the swarm's; a worker its copies
      local.stream().filter(r -> !swarmIds.contains(r.id())).forEach(r -> out.add(view(r)));
    }
    swarm.stream().filter(ClusterNetworkFilters.of(filters)).forEach(n -> out.add(ClusterNetworkJson.view(n)));
    Json.send(s, 200, out);
  }

  private void prune(HttpRequest q, HttpResponse s) {
    ObjectNode out = Json.object();
    ArrayNode deleted = out.putArray("NetworksDeleted");
    networks.prune(ContainerRoutes.filtersJson(q.query("filters"))).forEach(deleted::add);
    Json.send(s, 200, out);
  }

  private ObjectNode view(NetworkRecord r) {
    ObjectNode o = Json.object();
    o.put("Name", r.name());
    o.put("Id", r.id());
    o.put("Created", r.created());
    boolean swarm = r.driver().equals(NetworkService.OVERLAY); // a worker's copy of a swarm overlay
    o.put("Scope", swarm ? "swarm" : "local");
    o.put("Driver", r.driver());
    o.put("EnableIPv4", true);
    o.put("EnableIPv6", false);
    ObjectNode ipam = o.putObject("IPAM");
    ipam.put("Driver", "default");
    ipam.putNull("Options");
    ArrayNode cfg = ipam.putArray("Config");
    if (r.subnet() != null) {
      ObjectNode c = cfg.addObject().put("Subnet", r.subnet()).put("Gateway", r.gateway());
      if (r.ipRange() != null) {
        c.put("IPRange", r.ipRange());
      }
    }
    o.put("Internal", r.internal());
    o.put("Attachable", r.attachable());
    o.put("Ingress", swarm && r.name().equals("ingress"));
    o.putObject("ConfigFrom").put("Network", "");
    o.put("ConfigOnly", false);
    ObjectNode cs = o.putObject("Containers");
    for (NetworkMembers.Member m : networks.attached(r)) {
      var ep = m.endpoint();
      cs.putObject(m.containerId()).put("Name", m.name()).put("EndpointID", m.containerId())
          .put("MacAddress", ep.mac())
          .put("IPv4Address", ep.ip() + "/" + ep.prefixLength()).put("IPv6Address", "");
    }
    ObjectNode opts = o.putObject("Options");
    // the data-path address is this node's business, not the network's (Docker shows only the VNI)
    r.options().forEach((k, v) -> {
      if (!k.equals(io.berth.network.overlay.OverlayDriver.UNDERLAY)) {
        opts.put(k, v);
      }
    });
    ObjectNode labels = o.putObject("Labels");
    r.labels().forEach(labels::put);
    return o;
  }
}
