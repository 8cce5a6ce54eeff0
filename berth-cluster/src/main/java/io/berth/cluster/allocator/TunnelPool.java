package io.berth.cluster.allocator;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import io.berth.network.Ipv4;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Where nodes get their address on the sealed underlay of encrypted overlays (decision 0039):
 * 100.64.0.0/16, in the shared address space of RFC 6598, which no overlay may take (the kernel
 * routes the whole block into the node's tun, so an overlay subnet inside it would be
 * unreachable). Lowest free host address first; a node keeps its address while it is in the swarm.
 */
public final class TunnelPool {
  public static final Cidr POOL = Cidr.parse("100.64.0.0/16");

  private TunnelPool() {}

  /** The pool's prefix length, which a node's tunnel address carries ({@code 100.64.0.2/16}). */
  public static int prefix() {
    return POOL.prefix();
  }

  /** The lowest host address of the pool not in {@code used} (bare addresses). */
  public static String take(Collection<String> used) {
    Set<Integer> taken = new HashSet<>();
    for (String u : used) {
      taken.add(Ipv4.parse(u));
    }
    // .0.0 is the network, .0.1 is left out as a gateway is in other pools, the last is the broadcast
    for (long i = 2; i < POOL.size() - 1; i++) {
      int candidate = POOL.address(i);
      if (!taken.contains(candidate)) {
        return Ipv4.format(candidate);
      }
    }
    throw new UnavailableException("no free tunnel address left in " + POOL + " for another node");
  }

  /** Refuses an overlay subnet that overlaps the tunnel pool, with the reason. */
  public static void refuseOverlap(Cidr subnet) {
    if (subnet.overlaps(POOL)) {
      throw new InvalidArgumentException("invalid pool request: " + subnet + " overlaps " + POOL
          + ", the tunnel addresses of encrypted overlays");
    }
  }
}
