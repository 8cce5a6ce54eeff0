package io.berth.daemon.network;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.Ipv4;
import io.berth.errdefs.UnavailableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Subnets for networks created without {@code --subnet}, from Docker's default pools
 * (172.17-31.0.0/16, then 192.168.0.0/20 blocks), skipping any that overlap a subnet in use:
 * another network of ours, or a route of the host (another daemon's bridge, a VPN, the LAN).
 * Also the overlap check for subnets given by the user.
 */
final class SubnetPool {
  /** An IPv4 block: first address and prefix length. */
  record Cidr(int base, int prefix) {
    static Cidr parse(String cidr) {
      String[] p = cidr == null ? new String[0] : cidr.split("/");
      if (p.length != 2 || !p[1].matches("\\d{1,2}") || Integer.parseInt(p[1]) > 32) {
        throw new InvalidArgumentException("invalid subnet " + cidr + " (expected CIDR, e.g. 172.20.0.0/16)");
      }
      int prefix = Integer.parseInt(p[1]);
      return new Cidr(toInt(p[0]) & mask(prefix), prefix);
    }

    boolean overlaps(Cidr o) {
      int m = mask(Math.min(prefix, o.prefix));
      return (base & m) == (o.base & m);
    }

    boolean contains(int ip) {
      return (ip & mask(prefix)) == base;
    }

    @Override
    public String toString() {
      return str(base) + "/" + prefix;
    }
  }

  private SubnetPool() {}

  /** The first default-pool subnet that overlaps none of {@code used}. */
  static Cidr pick(Collection<Cidr> used) {
    List<Cidr> candidates = new ArrayList<>();
    for (int b = 18; b <= 31; b++) {
      candidates.add(new Cidr(toInt("172." + b + ".0.0"), 16));
    }
    for (int c = 0; c < 256; c += 16) {
      candidates.add(new Cidr(toInt("192.168." + c + ".0"), 20));
    }
    for (Cidr cand : candidates) {
      if (used.stream().noneMatch(cand::overlaps)) {
        return cand;
      }
    }
    throw new UnavailableException(
        "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
  }

  static int mask(int prefix) {
    return Ipv4.mask(prefix);
  }

  static int toInt(String ip) {
    return Ipv4.parse(ip);
  }

  static String str(int v) {
    return Ipv4.format(v);
  }
}
