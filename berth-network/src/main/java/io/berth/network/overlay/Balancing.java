package io.berth.network.overlay;

import io.berth.errdefs.InvalidArgumentException;

/**
 * How a virtual IP or a mesh-published port picks a backend for a new connection. Round robin is
 * nftables' own ({@code numgen inc}); least connections is round robin over the backends with
 * the fewest live connections, a set {@link LeastConnections} re-evaluates from conntrack a few
 * times a second (decision 0045).
 */
public enum Balancing {
  ROUND_ROBIN("roundrobin"),
  LEAST_CONNECTIONS("leastconn");

  private final String wire;

  Balancing(String wire) {
    this.wire = wire;
  }

  /** The name users write ({@code roundrobin}, {@code leastconn}, as HAProxy's {@code balance}). */
  public String wire() {
    return wire;
  }

  /** {@code roundrobin} (also empty or null) or {@code leastconn}; anything else refused by name. */
  public static Balancing parse(String name) {
    if (name == null || name.isEmpty()) {
      return ROUND_ROBIN;
    }
    for (Balancing b : values()) {
      if (b.wire.equals(name)) {
        return b;
      }
    }
    throw new InvalidArgumentException("unknown load-balancing algorithm \"" + name + "\" (roundrobin or leastconn)");
  }
}
