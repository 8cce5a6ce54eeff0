package io.berth.oci;

import io.berth.errdefs.InvalidArgumentException;
import java.util.Locale;
import java.util.Set;

/**
 * A container port as the image config's {@code ExposedPorts} and the Engine API's
 * {@code PortBindings} key it: {@code 80/tcp} (a bare {@code 80} means tcp). The daemon, the CLI
 * and compose all read this notation, so it lives beside the image config.
 */
public record ExposedPort(int port, String protocol) {
  static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");

  public ExposedPort {
    if (port < 1 || port > 65535) {
      throw new InvalidArgumentException("invalid port " + port + " (1-65535)");
    }
    if (!PROTOCOLS.contains(protocol)) {
      throw new InvalidArgumentException("invalid proto: " + protocol);
    }
  }

  /** Parses {@code 80}, {@code 80/tcp}, {@code 53/UDP}; a range is refused (a key names one port). */
  public static ExposedPort parse(String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidArgumentException("invalid port specification: \"\" (expected e.g. 80/tcp)");
    }
    String[] parts = key.split("/", -1);
    if (parts.length > 2) {
      throw new InvalidArgumentException("invalid port specification: " + key);
    }
    String proto = protocol(parts.length == 2 ? parts[1] : "");
    int port = PortSpec.number(parts[0]);
    if (port < 1) {
      throw new InvalidArgumentException("invalid port specification: " + key);
    }
    return new ExposedPort(port, proto);
  }

  /** Docker's reading of the part after the slash: empty means tcp, case does not matter. */
  static String protocol(String raw) {
    String proto = raw.isEmpty() ? "tcp" : raw.toLowerCase(Locale.ROOT);
    if (!PROTOCOLS.contains(proto)) {
      throw new InvalidArgumentException("invalid proto: " + raw);
    }
    return proto;
  }

  /** The key form, {@code 80/tcp}. */
  @Override
  public String toString() {
    return port + "/" + protocol;
  }
}
