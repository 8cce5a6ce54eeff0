package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.PortSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A service's {@code ports} entry, short ({@code [host_ip:][published[-end]:]target[-end][/protocol]}
 * or a number, read by the engine's one {@link PortSpec} parser) or long, as the long form;
 * ranges expand to one entry per port.
 */
final class Ports {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Ports() {}

  static List<ObjectNode> normalize(JsonNode p, String path) {
    List<ObjectNode> out = new ArrayList<>();
    if (p.isObject()) {
      ObjectNode o = ((ObjectNode) p).deepCopy();
      int[] t = range(o.path("target").asText(""), path);
      if (t[0] != t[1]) {
        throw new ComposeException(path + ": the long syntax takes one target port, got " + o.get("target").asText());
      }
      o.put("target", t[0]);
      if (!o.has("protocol")) {
        o.put("protocol", "tcp");
      }
      if (o.has("published")) {
        o.put("published", o.get("published").asText());
      }
      out.add(o);
      return out;
    }
    PortSpec spec;
    try {
      spec = PortSpec.parse(p.asText());
    } catch (InvalidArgumentException e) {
      throw new ComposeException(path + ": " + e.getMessage());
    }
    if (spec.protocol().equals("sctp")) {
      throw new ComposeException(path + ": invalid protocol \"sctp\" (tcp or udp)");
    }
    for (PortSpec.Mapping m : spec.mappings()) {
      ObjectNode o = F.objectNode();
      o.put("target", m.port().port());
      if (!m.hostPort().isEmpty()) {
        o.put("published", m.hostPort());
      }
      if (!m.hostIp().isEmpty()) {
        o.put("host_ip", m.hostIp());
      }
      o.put("protocol", m.port().protocol());
      out.add(o);
    }
    return out;
  }

  /** The long syntax's {@code target}: a container port (or range) alone, no host part or protocol. */
  private static int[] range(String s, String path) {
    try {
      if (!s.contains(":") && !s.contains("/")) {
        PortSpec spec = PortSpec.parse(s);
        return new int[] {spec.containerStart(), spec.containerEnd()};
      }
    } catch (InvalidArgumentException e) {
      // refused below, in compose's words
    }
    throw new ComposeException(path + ": invalid port \"" + s + "\"");
  }
}
