package io.berth.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Parses {@code -p} as docker does: {@code [ip:][hostPort:]containerPort[/proto]} with ranges
 * ({@code 8000-8002:80-82}), into ExposedPorts and PortBindings.
 */
final class PortFlag {
  private PortFlag() {}

  static void add(String spec, ObjectNode exposed, ObjectNode bindings) {
    String proto = "tcp";
    String s = spec;
    int slash = s.lastIndexOf('/');
    if (slash >= 0) {
      proto = s.substring(slash + 1).toLowerCase();
      s = s.substring(0, slash);
      if (!proto.equals("tcp") && !proto.equals("udp") && !proto.equals("sctp")) {
        throw new IllegalArgumentException("invalid proto: " + proto);
      }
    }
    String ip = "";
    String host = "";
    String ctr;
    int last = s.lastIndexOf(':');
    if (last < 0) {
      ctr = s;
    } else {
      ctr = s.substring(last + 1);
      String rest = s.substring(0, last);
      int c2 = rest.lastIndexOf(':');
      if (c2 < 0) {
        host = rest;
      } else {
        ip = rest.substring(0, c2).replaceAll("^\\[|]$", "");
        host = rest.substring(c2 + 1);
      }
    }
    int[] cr = range(ctr, spec);
    int[] hr = host.isEmpty() ? null : range(host, spec);
    if (hr != null && hr[1] - hr[0] != cr[1] - cr[0] && hr[0] != hr[1]) {
      throw new IllegalArgumentException("invalid ranges specified for container and host Ports: " + spec);
    }
    for (int i = 0; i <= cr[1] - cr[0]; i++) {
      String key = (cr[0] + i) + "/" + proto;
      exposed.putObject(key);
      ArrayNode list = bindings.has(key) ? (ArrayNode) bindings.get(key) : bindings.putArray(key);
      String hp = hr == null ? "" : Integer.toString(hr[0] == hr[1] ? hr[0] : hr[0] + i);
      list.addObject().put("HostIp", ip).put("HostPort", hp);
    }
  }

  private static int[] range(String s, String spec) {
    try {
      String[] p = s.split("-", 2);
      int a = Integer.parseInt(p[0]);
      int b = p.length == 2 ? Integer.parseInt(p[1]) : a;
      if (a < 1 || b > 65535 || b < a) {
        throw new NumberFormatException();
      }
      return new int[] {a, b};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid containerPort: " + s + " in " + spec);
    }
  }
}
