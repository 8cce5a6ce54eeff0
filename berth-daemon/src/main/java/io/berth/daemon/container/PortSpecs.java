package io.berth.daemon.container;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.BridgeNetwork.PortBinding;
import java.util.Set;

/** Parses the Engine API's port keys ({@code 8080/tcp}) and host ports, rejecting bad ones. */
public final class PortSpecs {
  private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");

  private PortSpecs() {}

  /** Returns {port, protocol} of {@code 8080/tcp} (protocol defaults to tcp). */
  public static PortBinding parseContainerPort(String key) {
    String[] parts = key.split("/", -1);
    if (parts.length > 2) {
      throw new InvalidArgumentException("invalid port specification: " + key);
    }
    String proto = parts.length == 2 ? parts[1].toLowerCase() : "tcp";
    if (!PROTOCOLS.contains(proto)) {
      throw new InvalidArgumentException("invalid proto: " + proto);
    }
    int port = port(parts[0], key);
    if (port == 0) {
      throw new InvalidArgumentException("invalid port specification: " + key);
    }
    return new PortBinding("", 0, port, proto);
  }

  /** Empty means "pick one" (0). */
  public static int parseHostPort(String s) {
    if (s == null || s.isEmpty()) {
      return 0;
    }
    return port(s, s);
  }

  private static int port(String s, String whole) {
    try {
      int p = Integer.parseInt(s);
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("invalid port specification: \"" + whole + "\"");
    }
  }
}
