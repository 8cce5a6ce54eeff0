package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import io.berth.errdefs.NotFoundException;
import io.berth.network.BridgeNetwork;
import java.util.List;

/**
 * Read-only view of the three built-in networks (bridge, host, none) so {@code docker network
 * ls/inspect} work; user-defined networks are a later issue and are refused clearly.
 */
public final class NetworkRoutes {
  private static final List<String> BUILTIN = List.of("bridge", "host", "none");
  private final BridgeNetwork bridge;
  private final ContainerService containers;

  public NetworkRoutes(BridgeNetwork bridge, ContainerService containers) {
    this.bridge = bridge;
    this.containers = containers;
  }

  public void register(Router r) {
    r.add("GET", "/networks", (q, s) -> {
      ArrayNode out = Json.array();
      BUILTIN.forEach(n -> out.add(network(n)));
      Json.send(s, 200, out);
    });
    r.add("GET", "/networks/{id}", this::inspect);
    r.add("POST", "/networks/create", (q, s) -> {
      throw new io.berth.errdefs.InvalidArgumentException(
          "user-defined networks are not supported yet; use the default bridge network");
    });
  }

  private void inspect(HttpRequest q, HttpResponse s) {
    String id = q.param("id");
    if (!BUILTIN.contains(id)) {
      throw new NotFoundException("network " + id + " not found");
    }
    Json.send(s, 200, network(id));
  }

  private ObjectNode network(String name) {
    ObjectNode o = Json.object();
    o.put("Name", name);
    o.put("Id", name);
    o.put("Created", "0001-01-01T00:00:00Z");
    o.put("Scope", "local");
    o.put("Driver", name.equals("none") ? "null" : name);
    o.put("EnableIPv6", false);
    ObjectNode ipam = o.putObject("IPAM");
    ipam.put("Driver", "default");
    ArrayNode cfg = ipam.putArray("Config");
    if (name.equals("bridge")) {
      cfg.addObject().put("Subnet", bridge.subnet()).put("Gateway", bridge.gateway());
    }
    o.put("Internal", false);
    o.put("Attachable", false);
    o.put("Ingress", false);
    ObjectNode cs = o.putObject("Containers");
    if (name.equals("bridge")) {
      for (Container c : containers.repository().all()) {
        if (c.endpoint != null) {
          cs.putObject(c.id).put("Name", c.name).put("EndpointID", c.id)
              .put("MacAddress", c.endpoint.mac())
              .put("IPv4Address", c.endpoint.ip() + "/" + c.endpoint.prefixLength()).put("IPv6Address", "");
        }
      }
      o.putObject("Options").put("com.docker.network.bridge.name", bridge.bridgeName());
    } else {
      o.putObject("Options");
    }
    o.putObject("Labels");
    return o;
  }
}
