package io.berth.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.PortSpec;

/**
 * Turns {@code -p} ({@code [ip:][hostPort:]containerPort[/proto]} with ranges, read by the
 * engine's one {@link PortSpec} parser) into ExposedPorts and PortBindings.
 */
final class PortFlag {
  private PortFlag() {}

  static void add(String spec, ObjectNode exposed, ObjectNode bindings) {
    PortSpec parsed;
    try {
      parsed = PortSpec.parse(spec);
    } catch (InvalidArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    for (PortSpec.Mapping m : parsed.mappings()) {
      String key = m.port().toString();
      exposed.putObject(key);
      ArrayNode list = bindings.has(key) ? (ArrayNode) bindings.get(key) : bindings.putArray(key);
      list.addObject().put("HostIp", m.hostIp()).put("HostPort", m.hostPort());
    }
  }
}
