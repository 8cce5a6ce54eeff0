package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A service's {@code ports} entry in long form: {@code [host_ip:][published[-end]:]target[-end][/protocol]}
 * or a number; ranges expand to one entry per port.
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
    String s = p.asText();
    String proto = "tcp";
    int slash = s.lastIndexOf('/');
    if (slash >= 0) {
      proto = s.substring(slash + 1);
      s = s.substring(0, slash);
    }
    if (!proto.equals("tcp") && !proto.equals("udp")) {
      throw new ComposeException(path + ": invalid protocol \"" + proto + "\" (tcp or udp)");
    }
    String hostIp = null;
    String published = null;
    String target;
    int last = s.lastIndexOf(':');
    if (last < 0) {
      target = s;
    } else {
      target = s.substring(last + 1);
      String rest = s.substring(0, last);
      int ipColon = rest.lastIndexOf(':');
      if (ipColon >= 0) {
        hostIp = rest.substring(0, ipColon);
        published = rest.substring(ipColon + 1);
      } else {
        published = rest;
      }
    }
    int[] t = range(target, path);
    int[] pub = published == null || published.isEmpty() ? null : range(published, path);
    if (pub != null && pub[1] - pub[0] != t[1] - t[0] && pub[0] != pub[1]) {
      throw new ComposeException(path + ": port ranges don't match in \"" + p.asText() + "\"");
    }
    for (int i = 0; i <= t[1] - t[0]; i++) {
      ObjectNode o = F.objectNode();
      o.put("target", t[0] + i);
      if (pub != null) {
        o.put("published", Integer.toString(pub[0] == pub[1] ? pub[0] : pub[0] + i));
      }
      if (hostIp != null && !hostIp.isEmpty()) {
        o.put("host_ip", hostIp);
      }
      o.put("protocol", proto);
      out.add(o);
    }
    return out;
  }

  private static int[] range(String s, String path) {
    String[] p = s.split("-");
    try {
      int a = Integer.parseInt(p[0]);
      int b = p.length == 2 ? Integer.parseInt(p[1]) : a;
      if (p.length > 2 || a < 1 || b > 65535 || b < a) {
        throw new NumberFormatException();
      }
      return new int[] {a, b};
    } catch (NumberFormatException e) {
      throw new ComposeException(path + ": invalid port \"" + s + "\"");
    }
  }
}
