package io.berth.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.PortSpec;

/**
 * Turns {@code -p} ({@code [ip:][hostPort:]containerPort[/proto]} with ranges) and
 * {@code --expose} ({@code port[-end][/proto]}), both read by the engine's one {@link PortSpec}
 * parser, into ExposedPorts and PortBindings.
 */
final class PortFlag {
  private PortFlag() {}

  static void add(String spec, ObjectNode exposed, ObjectNode bindings) {
    for (PortSpec.Mapping m : parse(spec).mappings()) {
      String key = m.port().toString();
      exposed.putObject(key);
      ArrayNode list = bindings.has(key) ? (ArrayNode) bindings.get(key) : bindings.putArray(key);
      list.addObject().put("HostIp", m.hostIp()).put("HostPort", m.hostPort());
    }
  }

  /** {@code --expose 80}, {@code 53/udp} or {@code 8000-8010}: container ports only, as docker takes them. */
  static void expose(String spec, ObjectNode exposed) {
    if (spec.contains(":")) {
      throw new IllegalArgumentException("invalid port format for --expose: " + spec);
    }
    for (PortSpec.Mapping m : parse(spec).mappings()) {
      exposed.putObject(m.port().toString());
    }
  }

  private static PortSpec parse(String spec) {
    try {
      return PortSpec.parse(spec);
    } catch (InvalidArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
