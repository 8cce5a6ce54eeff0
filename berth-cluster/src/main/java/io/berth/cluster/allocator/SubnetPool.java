package io.berth.cluster.allocator;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.util.Collection;
import java.util.List;

/**
 * Where networks created without {@code --subnet} get theirs: the swarm's default address pools
 * ({@code swarm init --default-addr-pool}, Docker's 10.0.0.0/8) cut in blocks of the subnet size
 * ({@code --default-addr-pool-mask-length}, 24), lowest first, skipping every block that overlaps
 * one in use. The first network (ingress, made at init) so takes 10.0.0.0/24, the next 10.0.1.0/24.
 */
public final class SubnetPool {
  private final List<Cidr> pools;
  private final int subnetSize;

  public SubnetPool(List<Cidr> pools, int subnetSize) {
    if (pools.isEmpty()) {
      throw new InvalidArgumentException("default address pool must name at least one CIDR block");
    }
    for (Cidr p : pools) {
      if (subnetSize < p.prefix() || subnetSize > 29) {
        throw new InvalidArgumentException("invalid subnet size " + subnetSize + " for address pool " + p
            + ": must be between the pool's prefix length (" + p.prefix() + ") and 29");
      }
    }
    this.pools = List.copyOf(pools);
    this.subnetSize = subnetSize;
  }

  /** The pools as {@code swarm init} stores them ({@code 10.0.0.0/8}). */
  public static SubnetPool of(List<String> pools, int subnetSize) {
    return new SubnetPool(pools.stream().map(Cidr::parse).toList(), subnetSize);
  }

  /** The lowest block overlapping none of {@code used}. */
  public Cidr take(Collection<Cidr> used) {
    for (Cidr pool : pools) {
      long step = 1L << (32 - subnetSize);
      for (long off = 0; off < pool.size(); off += step) {
        Cidr candidate = new Cidr(pool.address(off), subnetSize);
        Cidr clash = null;
        for (Cidr u : used) {
          if (u.overlaps(candidate)) {
            clash = u;
            break;
          }
        }
        if (clash == null) {
          return candidate;
        }
        // jump past a larger block in use instead of trying each of its pieces
        if (clash.prefix() < subnetSize) {
          off = Integer.toUnsignedLong(clash.last()) - Integer.toUnsignedLong(pool.base()) + 1 - step;
        }
      }
    }
    throw new UnavailableException("could not find an available, non-overlapping IPv4 address pool among the "
        + "defaults to assign to the network");
  }
}
