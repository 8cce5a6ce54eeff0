package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import java.util.function.Function;

/**
 * Network mode {@code container:NAME} (compose's {@code network_mode: "service:NAME"}): the
 * container runs in the network namespace of another, running one, and shares its hostname,
 * {@code /etc/hosts} and {@code /etc/resolv.conf} (so its names resolve through the other's
 * embedded DNS), as in Docker. It has no network, address or port of its own.
 */
final class JoinedNetwork {
  static final String PREFIX = "container:";

  private JoinedNetwork() {}

  static boolean joins(String networkMode) {
    return networkMode.startsWith(PREFIX);
  }

  /**
   * Refuses at create what Docker refuses with this mode (the request's own values, before image
   * defaults and before the typed model is read, so these stay JSON reads of the request).
   */
  static void check(String mode, JsonNode request, JsonNode hostConfig) {
    if (mode.length() == PREFIX.length()) {
      throw new InvalidArgumentException("invalid network mode: invalid container format container:<name|id>");
    }
    if (!request.path("Hostname").asText("").isEmpty()) {
      throw new InvalidArgumentException("conflicting options: hostname and the network mode");
    }
    if (!hostConfig.path("Links").isEmpty()) {
      throw new InvalidArgumentException("conflicting options: container type network can't be used with links."
          + " This would result in undefined behavior");
    }
    if (!hostConfig.path("Dns").isEmpty()) {
      throw new InvalidArgumentException("conflicting options: dns and the network mode");
    }
    if (!hostConfig.path("ExtraHosts").isEmpty()) {
      throw new InvalidArgumentException("conflicting options: custom host-to-IP mapping and the network mode");
    }
    if (!hostConfig.path("PortBindings").isEmpty() || hostConfig.path("PublishAllPorts").asBoolean(false)) {
      throw new InvalidArgumentException("conflicting options: port publishing and the container type network mode");
    }
    if (!request.path("ExposedPorts").isEmpty()) {
      throw new InvalidArgumentException("conflicting options: port exposing and the container type network mode");
    }
  }

  /** The running container whose namespace {@code c} joins at start; null in any other mode. */
  static Container target(Container c, Function<String, Container> lookup) {
    if (!(ContainerNetworks.mode(c) instanceof NetworkSpec.Mode.Joined joined)) {
      return null;
    }
    Container t = lookup.apply(joined.target());
    if (t.id.equals(c.id)) {
      throw new InvalidArgumentException("cannot join own network namespace");
    }
    if (!t.state.running() || t.state.pid <= 0) {
      throw new ConflictException("cannot join network namespace of a non running container: container " + t.name
          + " is " + t.state.status());
    }
    return t;
  }

  /** The namespace runc joins: the target's own (through its process), or the host's. */
  static String namespace(Container t) {
    return t.host().network().host() ? "host" : "/proc/" + t.state.pid + "/ns/net";
  }

  /** Takes the target's hostname and name files, as Docker does at each start. */
  static void share(Container c, Container t) {
    ConfigSpec names = t.configSpec();
    c.names(names.hostname() == null ? "" : names.hostname(), names.domainname());
    c.hostsPath = t.hostsPath;
    c.resolvConfPath = t.resolvConfPath;
    c.hostnamePath = t.hostnamePath;
  }
}
