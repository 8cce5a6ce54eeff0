package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.cli.commands.MountFlag;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.PortSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A service's {@code -p/--publish} (and {@code --publish-add/--publish-rm}) as docker's PortOpt
 * reads it: the long form {@code mode=host|ingress,target=N,published=N,protocol=tcp|udp|sctp}
 * or the short {@code [PUB[-END]:]TARGET[-END][/proto]} of {@code docker run} (through the one
 * {@link PortSpec} parser), each port an EndpointSpec PortConfig; and docker's merge of the
 * add/remove flags into the ports a service has.
 */
final class PublishFlag {
  /** Docker's unanchored test for the long form: any {@code word=word} in the value. */
  private static final Pattern LONG = Pattern.compile("\\w+=\\w+");

  private PublishFlag() {}

  /** The PortConfigs of one flag value, with docker's words for a bad one. */
  static List<ObjectNode> parse(String value, String flag) {
    try {
      return LONG.matcher(value).find() ? List.of(longForm(value)) : shortForm(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: " + e.getMessage(), e);
    }
  }

  /** The PortConfigs of all the values of a flag, in order. */
  static List<ObjectNode> parseAll(List<String> values, String flag) {
    List<ObjectNode> out = new ArrayList<>();
    values.forEach(v -> out.addAll(parse(v, flag)));
    return out;
  }

  private static ObjectNode longForm(String value) {
    String protocol = "";
    String mode = "";
    long target = 0;
    long published = 0;
    for (String field : MountFlag.csv(value)) {
      String lower = field.toLowerCase(java.util.Locale.ROOT);
      int eq = lower.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("invalid field: " + field);
      }
      String key = lower.substring(0, eq);
      String val = lower.substring(eq + 1);
      switch (key) {
        case "protocol" -> {
          if (!val.equals("tcp") && !val.equals("udp") && !val.equals("sctp")) {
            throw new IllegalArgumentException("invalid protocol value '" + val + "'");
          }
          protocol = val;
        }
        case "mode" -> {
          if (!val.equals("ingress") && !val.equals("host")) {
            throw new IllegalArgumentException("invalid publish mode value (" + val + "): must be either 'ingress' or 'host'");
          }
          mode = val;
        }
        case "target" -> target = port(val, "target");
        case "published" -> published = port(val, "published");
        default -> throw new IllegalArgumentException("invalid field key: " + key);
      }
    }
    if (target == 0) {
      throw new IllegalArgumentException("missing mandatory field 'target'");
    }
    return config(protocol.isEmpty() ? "tcp" : protocol, target, published, mode.isEmpty() ? "ingress" : mode);
  }

  /** Go's ParseUint(val, 10, 16), with PortOpt's words. */
  private static long port(String val, String what) {
    String why = !val.matches("\\d+") ? "invalid syntax" : val.length() > 5 || Long.parseLong(val) > 65535 ? "value out of range" : null;
    if (why != null) {
      throw new IllegalArgumentException("invalid " + what + " port (" + val + "): value must be an integer: " + why);
    }
    return Long.parseLong(val);
  }

  /** Docker's short form: no host address, one ingress port per published port of a range. */
  private static List<ObjectNode> shortForm(String value) {
    PortSpec spec;
    try {
      spec = PortSpec.parse(value);
    } catch (InvalidArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (!spec.hostIp().isEmpty()) {
      throw new IllegalArgumentException("hostip is not supported");
    }
    List<ObjectNode> out = new ArrayList<>();
    for (PortSpec.Mapping m : spec.mappings()) {
      String host = m.hostPort();
      int dash = host.indexOf('-');
      long first = host.isEmpty() ? 0 : Long.parseLong(dash < 0 ? host : host.substring(0, dash));
      long last = dash < 0 ? first : Long.parseLong(host.substring(dash + 1));
      for (long p = first; p <= last; p++) {
        out.add(config(m.port().protocol(), m.port().port(), p, "ingress"));
      }
    }
    return out;
  }

  private static ObjectNode config(String protocol, long target, long published, String mode) {
    ObjectNode c = Base.obj();
    c.put("Protocol", protocol);
    c.put("TargetPort", target);
    if (published > 0) {
      c.put("PublishedPort", published);
    }
    c.put("PublishMode", mode);
    return c;
  }

  /**
   * Docker's updatePorts: the current ports once each, less those the removals name (same
   * target, protocol and mode; an empty protocol is tcp, an empty mode ingress), plus the added
   * ones not there already, sorted by {@code published:target/protocol/mode}. Null when none is left.
   */
  static ArrayNode merge(JsonNode current, List<ObjectNode> added, List<ObjectNode> removed) {
    Map<String, JsonNode> set = new LinkedHashMap<>();
    current.forEach(p -> set.putIfAbsent(key(p), p));
    List<JsonNode> ports = new ArrayList<>();
    for (JsonNode p : set.values()) {
      if (removed.stream().noneMatch(r -> same(p, r))) {
        ports.add(p);
      }
    }
    added.stream().filter(a -> !set.containsKey(key(a))).forEach(ports::add);
    if (ports.isEmpty()) {
      return null;
    }
    ports.sort(Comparator.comparing(PublishFlag::key));
    ArrayNode a = Base.JSON.createArrayNode();
    ports.forEach(a::add);
    return a;
  }

  private static String key(JsonNode p) {
    return p.path("PublishedPort").asLong() + ":" + p.path("TargetPort").asLong() + "/" + p.path("Protocol").asText()
        + "/" + p.path("PublishMode").asText();
  }

  private static boolean same(JsonNode p, JsonNode r) {
    return p.path("TargetPort").asLong() == r.path("TargetPort").asLong()
        && field(p, "Protocol", "tcp").equals(field(r, "Protocol", "tcp"))
        && field(p, "PublishMode", "ingress").equals(field(r, "PublishMode", "ingress"));
  }

  /** A port's field, an absent or empty one read as its default (docker's equalProtocol, equalPublishMode). */
  private static String field(JsonNode p, String name, String dflt) {
    String v = p.path(name).asText("");
    return v.isEmpty() ? dflt : v;
  }
}
