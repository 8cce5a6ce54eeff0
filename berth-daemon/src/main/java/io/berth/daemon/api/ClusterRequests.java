package io.berth.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.control.Filters;
import io.berth.cluster.control.SwarmSpecReader;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.PortRange;
import io.berth.cluster.model.SwarmSpec;
import io.berth.daemon.swarm.InitRequest;
import io.berth.daemon.swarm.JoinRequest;
import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the cluster endpoints' request bodies and query parameters (Docker's SwarmInitRequest,
 * SwarmJoinRequest, NodeSpec, {@code version}, {@code filters}) into typed values, refusing
 * unknown fields and, by name, the settings Berth does not honour (the overlay data path's address
 * and port).
 */
final class ClusterRequests {
  private static final Set<String> INIT_FIELDS = Set.of("ListenAddr", "AdvertiseAddr", "DataPathAddr", "DataPathPort",
      "ForceNewCluster", "Spec", "AutoLockManagers", "Availability", "DefaultAddrPool", "SubnetSize",
      "PublishedPortRange", "NetworkKeyRotation");
  private static final Set<String> JOIN_FIELDS = Set.of("ListenAddr", "AdvertiseAddr", "DataPathAddr", "RemoteAddrs",
      "JoinToken", "Availability");
  private static final Set<String> NODE_FIELDS = Set.of("Name", "Labels", "Role", "Availability");

  private ClusterRequests() {}

  /**
   * {@code docker swarm init}: the CLI always sends DataPathPort 0, DefaultAddrPool [] and SubnetSize
   * 24. {@code PublishedPortRange} ({@code "START-END"}) is Berth's own field, sent by
   * {@code berth swarm init --published-port-range}; so is {@code NetworkKeyRotation} (nanoseconds,
   * at least a second), sent by {@code berth swarm init --network-key-rotation}.
   */
  static InitRequest init(ObjectNode body) {
    known("swarm init", body, INIT_FIELDS);
    if (!text(body, "DataPathAddr").isEmpty()) {
      throw notYet("swarm init", "DataPathAddr (--data-path-addr)");
    }
    if (body.path("DataPathPort").asInt(0) != 0) {
      throw notYet("swarm init", "DataPathPort (--data-path-port)");
    }
    List<String> pools = new ArrayList<>();
    JsonNode poolNode = body.path("DefaultAddrPool");
    if (!poolNode.isMissingNode() && !poolNode.isNull() && !poolNode.isArray()) {
      throw new InvalidArgumentException("swarm init: DefaultAddrPool must be a list of CIDR blocks, got " + poolNode);
    }
    poolNode.forEach(n -> pools.add(n.asText()));
    JsonNode subnetNode = body.path("SubnetSize");
    if (!subnetNode.isMissingNode() && !subnetNode.isNull() && !subnetNode.canConvertToInt()) {
      throw new InvalidArgumentException("swarm init: SubnetSize must be a number, got " + subnetNode);
    }
    int subnet = subnetNode.asInt(0);
    io.berth.cluster.allocator.SubnetPool.of(pools.isEmpty() ? Cluster.DEFAULT_ADDR_POOL : pools,
        subnet == 0 ? Cluster.DEFAULT_SUBNET_SIZE : subnet);
    String range = text(body, "PublishedPortRange");
    SwarmSpec spec = SwarmSpecReader.read(body.path("Spec"), SwarmSpec.defaults()).spec();
    boolean autolock = body.path("AutoLockManagers").asBoolean(false) || spec.encryptionConfig().autoLockManagers();
    if (autolock != spec.encryptionConfig().autoLockManagers()) {
      spec = new SwarmSpec(spec.name(), spec.labels(), spec.orchestration(), spec.dispatcher(), spec.caConfig(),
          new SwarmSpec.EncryptionConfig(true));
    }
    return new InitRequest(text(body, "ListenAddr"), text(body, "AdvertiseAddr"), "", 0, pools, subnet,
        body.path("ForceNewCluster").asBoolean(false), spec, autolock, availability(body),
        range.isEmpty() ? null : PortRange.parse(range), keyRotation(body));
  }

  /** Berth's {@code NetworkKeyRotation}: a whole number of nanoseconds, 0 or absent for 12 hours, else at least 1s. */
  private static long keyRotation(ObjectNode body) {
    return keyRotation(body, "swarm init", 0);
  }

  /**
   * {@code swarm update}'s spec body may carry Berth's {@code NetworkKeyRotation} beside Docker's
   * fields ({@code berth swarm update --network-key-rotation}): taken out of {@code spec} and
   * returned, -1 when absent (the period stays as it is).
   */
  static long updateKeyRotation(ObjectNode spec) {
    long value = keyRotation(spec, "swarm update", -1);
    spec.remove("NetworkKeyRotation");
    return value;
  }

  private static long keyRotation(ObjectNode body, String what, long absent) {
    JsonNode n = body.path("NetworkKeyRotation");
    if (n.isMissingNode() || n.isNull()) {
      return absent;
    }
    if (!n.canConvertToLong() || n.asLong() < 0 || n.asLong() > 0 && n.asLong() < 1_000_000_000L) {
      throw new InvalidArgumentException(what + ": NetworkKeyRotation must be a duration in nanoseconds of at least"
          + " 1s (1000000000), got " + n);
    }
    return n.asLong();
  }

  /** {@code docker swarm join --token T HOST:PORT}. */
  static JoinRequest join(ObjectNode body) {
    known("swarm join", body, JOIN_FIELDS);
    if (!text(body, "DataPathAddr").isEmpty()) {
      throw notYet("swarm join", "DataPathAddr (--data-path-addr)");
    }
    List<String> remotes = new ArrayList<>();
    body.path("RemoteAddrs").forEach(n -> remotes.add(n.asText()));
    if (remotes.isEmpty()) {
      throw new InvalidArgumentException("swarm join: RemoteAddrs must name at least one manager (HOST:PORT)");
    }
    String token = text(body, "JoinToken");
    if (token.isEmpty()) {
      throw new InvalidArgumentException("swarm join: JoinToken is required (--token)");
    }
    return new JoinRequest(text(body, "ListenAddr"), text(body, "AdvertiseAddr"), "", remotes, token,
        availability(body));
  }

  /** {@code docker node update}: the CLI sends the whole spec read with {@code node inspect}, changed. */
  static NodeSpec nodeSpec(ObjectNode body) {
    known("node spec", body, NODE_FIELDS);
    Map<String, String> labels = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.path("Labels").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new InvalidArgumentException("node spec: Labels[\"" + e.getKey() + "\"] must be a string");
      }
      labels.put(e.getKey(), e.getValue().textValue());
    }
    String role = text(body, "Role");
    String availability = text(body, "Availability");
    String name = text(body, "Name");
    return new NodeSpec(name.isEmpty() ? null : name, labels, role.isEmpty() ? null : NodeRole.parse(role),
        availability.isEmpty() ? null : NodeAvailability.parse(availability));
  }

  /** The {@code version} query parameter an update names (Docker: "invalid ... version"). */
  static long version(String raw, String what) {
    try {
      long v = Long.parseLong(raw == null ? "" : raw);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("invalid " + what + " version '" + (raw == null ? "" : raw)
          + "': give the Version.Index read with inspect");
    }
  }

  /** Docker's {@code filters} query parameter, in either of its forms ({@code {"k":["v"]}} or {@code {"k":{"v":true}}}). */
  static Filters filters(String raw) {
    JsonNode tree = ContainerRoutes.filtersJson(raw);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      List<String> values = new ArrayList<>();
      if (f.getValue().isArray()) {
        f.getValue().forEach(v -> values.add(v.asText()));
      } else {
        f.getValue().fieldNames().forEachRemaining(values::add);
      }
      out.put(f.getKey(), values);
    }
    return new Filters(out);
  }

  private static NodeAvailability availability(ObjectNode body) {
    String a = text(body, "Availability");
    return a.isEmpty() ? NodeAvailability.ACTIVE : NodeAvailability.parse(a);
  }

  private static void known(String what, ObjectNode body, Set<String> fields) {
    body.fieldNames().forEachRemaining(f -> {
      if (!fields.contains(f)) {
        throw new InvalidArgumentException(what + ": unknown field " + f);
      }
    });
  }

  private static InvalidArgumentException notYet(String what, String field) {
    return new InvalidArgumentException(what + ": " + field + " is not supported by Berth yet (the overlay data "
        + "path uses its defaults); leave it unset");
  }

  private static String text(ObjectNode body, String field) {
    JsonNode n = body.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return "";
    }
    if (!n.isTextual()) {
      throw new InvalidArgumentException("invalid " + field + ": expected a string, got " + n);
    }
    return n.textValue();
  }
}
