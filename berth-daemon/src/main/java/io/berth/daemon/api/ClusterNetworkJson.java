package io.berth.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.model.Driver;
import io.berth.cluster.model.IpamConfig;
import io.berth.cluster.model.IpamOptions;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkSpec;
import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster network on the {@code /networks} wire: read from {@code docker network create -d
 * overlay}'s body, and shown as dockerd shows a swarm network on a manager (scope {@code swarm},
 * the allocated IPAM block, the driver state's options with the VXLAN id).
 */
final class ClusterNetworkJson {
  private ClusterNetworkJson() {}

  /** The spec in a create body whose driver is overlay; what Berth cannot honour refused by name. */
  static NetworkSpec spec(ObjectNode body) {
    if (body.path("EnableIPv6").asBoolean(false)) {
      throw new InvalidArgumentException("IPv6 networks are not supported yet (--ipv6)");
    }
    if (body.path("ConfigOnly").asBoolean(false) || !body.path("ConfigFrom").path("Network").asText("").isEmpty()) {
      throw new InvalidArgumentException("config-only networks are not supported (--config-only, --config-from)");
    }
    String scope = body.path("Scope").asText("");
    if (!scope.isEmpty() && !scope.equals(NetworkSpec.SWARM_SCOPE)) {
      throw new InvalidArgumentException("an overlay network's scope is swarm, not " + scope);
    }
    JsonNode ipam = body.path("IPAM");
    List<IpamConfig> configs = new ArrayList<>();
    for (JsonNode c : ipam.path("Config")) {
      if (!c.path("AuxiliaryAddresses").isMissingNode() && !c.path("AuxiliaryAddresses").isEmpty()) {
        throw new InvalidArgumentException("auxiliary addresses are not supported (--aux-address)");
      }
      configs.add(new IpamConfig(c.path("Subnet").asText(""), c.path("IPRange").asText(""),
          c.path("Gateway").asText("")));
    }
    Driver ipamDriver = new Driver(ipam.path("Driver").asText(""), strings(ipam.path("Options"), "IPAM.Options"));
    return new NetworkSpec(body.path("Name").asText(""), strings(body.path("Labels"), "Labels"),
        new Driver(body.path("Driver").asText(""), strings(body.path("Options"), "Options")),
        body.path("Internal").asBoolean(false), body.path("Attachable").asBoolean(false),
        body.path("Ingress").asBoolean(false), new IpamOptions(ipamDriver, configs), null);
  }

  static ObjectNode view(Network n) {
    NetworkSpec spec = n.spec();
    ObjectNode o = Json.object();
    o.put("Name", spec.name());
    o.put("Id", n.id());
    o.put("Created", n.createdAt() == null ? "0001-01-01T00:00:00Z" : n.createdAt().toString());
    o.put("Scope", NetworkSpec.SWARM_SCOPE);
    o.put("Driver", spec.driverConfiguration().name());
    o.put("EnableIPv4", true);
    o.put("EnableIPv6", false);
    ObjectNode ipam = o.putObject("IPAM");
    IpamOptions allocated = n.ipamOptions() == null ? spec.ipamOptions() : n.ipamOptions();
    ipam.put("Driver", allocated.driver().name());
    ObjectNode ipamOptions = ipam.putObject("Options");
    allocated.driver().options().forEach(ipamOptions::put);
    ArrayNode cfg = ipam.putArray("Config");
    for (IpamConfig c : allocated.configs()) {
      ObjectNode x = cfg.addObject().put("Subnet", c.subnet()).put("Gateway", c.gateway());
      if (!c.range().isEmpty()) {
        x.put("IPRange", c.range());
      }
    }
    o.put("Internal", spec.internal());
    o.put("Attachable", spec.attachable());
    o.put("Ingress", spec.ingress());
    o.putObject("ConfigFrom").put("Network", "");
    o.put("ConfigOnly", false);
    o.putObject("Containers");
    ObjectNode opts = o.putObject("Options");
    (n.driverState() == null ? spec.driverConfiguration() : n.driverState()).options().forEach(opts::put);
    ObjectNode labels = o.putObject("Labels");
    spec.labels().forEach(labels::put);
    return o;
  }

  /** A JSON object of strings ({@code Labels}, {@code Options}) read; shared by both kinds of network. */
  static Map<String, String> strings(JsonNode n, String what) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n.isMissingNode() || n.isNull()) {
      return out;
    }
    if (!n.isObject()) {
      throw new InvalidArgumentException(what + " must be an object of strings");
    }
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
