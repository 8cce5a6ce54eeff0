package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.cli.commands.MountFlag;
import io.berth.client.ApiClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A service's {@code --network} (and {@code --network-add/--network-rm}) as docker's NetworkOpt
 * reads it: a name or id, or {@code name=N,alias=A,driver-opt=K=V}; each network looked up in the
 * swarm scope and attached by its id, the attachments sorted by id as docker sends them. The
 * container-only fields of the long form (addresses, MAC, gateway priority), which docker drops
 * for services without a word, are refused by name.
 */
final class NetworkFlag {
  private static final Pattern LONG = Pattern.compile("\\w+=\\w+");

  private NetworkFlag() {}

  /** One attachment as the flag gives it (the target not yet resolved to an id). */
  static ObjectNode parse(String value, String flag) {
    ObjectNode a = Base.obj();
    if (!LONG.matcher(value).find()) {
      a.put("Target", value);
      return a;
    }
    List<String> aliases = new ArrayList<>();
    ObjectNode driverOpts = null;
    for (String field : MountFlag.csv(value)) {
      String lower = field.toLowerCase(Locale.ROOT);
      int eq = lower.indexOf('=');
      if (eq <= 0) {
        throw bad(value, flag, "invalid field " + field);
      }
      String key = lower.substring(0, eq).trim();
      String val = lower.substring(eq + 1).trim();
      switch (key) {
        case "name" -> a.put("Target", val);
        case "alias" -> aliases.add(val);
        case "driver-opt" -> {
          int e = val.indexOf('=');
          if (e <= 0) {
            throw bad(value, flag, "invalid key value pair format in driver options");
          }
          driverOpts = driverOpts == null ? Base.obj() : driverOpts;
          driverOpts.put(val.substring(0, e).trim(), val.substring(e + 1).trim());
        }
        case "ip", "ip6", "mac-address", "link-local-ip", "gw-priority" ->
            throw bad(value, flag, "network field " + key + " is not supported for services (it applies to containers)");
        default -> throw bad(value, flag, "invalid field key " + key);
      }
    }
    if (a.path("Target").asText().isEmpty()) {
      throw bad(value, flag, "network name/id is not specified");
    }
    if (!aliases.isEmpty()) {
      ArrayNode al = a.putArray("Aliases");
      aliases.forEach(al::add);
    }
    if (driverOpts != null) {
      a.set("DriverOpts", driverOpts);
    }
    return a;
  }

  private static IllegalArgumentException bad(String value, String flag, String why) {
    return new IllegalArgumentException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: " + why);
  }

  /** The id of a swarm-scoped network, as docker's resolveNetworkID (the daemon's error when there is none). */
  static String id(ApiClient api, String nameOrId) throws IOException {
    try (ApiClient.Response r = api.get("/networks/" + Base.enc(nameOrId) + "?scope=swarm")) {
      return r.json().path("Id").asText();
    }
  }

  /** {@code --network} of {@code service create}: each resolved to its id, sorted by id; null when none. */
  static ArrayNode create(ApiClient api, List<String> values) throws IOException {
    if (values.isEmpty()) {
      return null;
    }
    List<ObjectNode> nets = new ArrayList<>();
    for (String v : values) {
      nets.add(parse(v, "--network"));
    }
    for (ObjectNode n : nets) {
      n.put("Target", id(api, n.get("Target").asText()));
    }
    return sorted(nets);
  }

  /**
   * Docker's updateNetworks: the service's attachments (the deprecated top-level Networks moved
   * into the task template) less the removed networks, plus the added ones, sorted by id; adding
   * a network the service is on already is an error.
   */
  static void update(ApiClient api, ObjectNode spec, List<String> add, List<String> rm) throws IOException {
    List<ObjectNode> added = add.stream().map(v -> parse(v, "--network-add")).toList();
    ObjectNode template = spec.withObjectProperty("TaskTemplate");
    JsonNode current = template.path("Networks").isEmpty() ? spec.path("Networks") : template.path("Networks");
    spec.remove("Networks");
    Set<String> removed = new HashSet<>();
    for (String r : rm) {
      removed.add(id(api, r));
    }
    List<ObjectNode> nets = new ArrayList<>();
    Set<String> present = new HashSet<>();
    for (JsonNode n : current) {
      if (!removed.contains(n.path("Target").asText())) {
        nets.add((ObjectNode) n);
        present.add(n.path("Target").asText());
      }
    }
    for (ObjectNode n : added) {
      String target = n.get("Target").asText();
      String id = id(api, target);
      if (!present.add(id)) {
        throw new IllegalArgumentException("service is already attached to network " + target);
      }
      n.put("Target", id);
      nets.add(n);
    }
    ArrayNode a = sorted(nets);
    if (a.isEmpty()) {
      template.remove("Networks");
    } else {
      template.set("Networks", a);
    }
  }

  private static ArrayNode sorted(List<ObjectNode> nets) {
    nets.sort(Comparator.comparing(n -> n.path("Target").asText()));
    ArrayNode a = Base.JSON.createArrayNode();
    nets.forEach(a::add);
    return a;
  }
}
