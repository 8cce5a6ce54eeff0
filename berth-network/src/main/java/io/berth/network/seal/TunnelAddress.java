package io.berth.network.seal;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.Ipv4;

/** This node's address on the tunnel and the prefix of the tunnel subnet, from "100.64.0.5/16". */
record TunnelAddress(int address, int prefix) {
  static TunnelAddress parse(String cidr) {
    String[] p = cidr == null ? new String[0] : cidr.split("/", -1);
    if (p.length != 2 || !p[1].matches("\\d{1,2}")) {
      throw new InvalidArgumentException("invalid tunnel address " + cidr + " (want address/prefix, e.g. 100.64.0.5/16)");
    }
    int prefix = Integer.parseInt(p[1]);
    int address = Ipv4.parse(p[0]);
    int host = address & ~Ipv4.mask(prefix);
    if (prefix < 8 || prefix > 30 || host == 0 || host == ~Ipv4.mask(prefix)) {
      throw new InvalidArgumentException("invalid tunnel address " + cidr
          + " (a host address in a subnet of prefix 8 to 30 is needed)");
    }
    return new TunnelAddress(address, prefix);
  }

  boolean contains(int other) {
    return (other & Ipv4.mask(prefix)) == (address & Ipv4.mask(prefix));
  }

  String subnet() {
    return Ipv4.format(address & Ipv4.mask(prefix)) + "/" + prefix;
  }

  @Override
  public String toString() {
    return Ipv4.format(address) + "/" + prefix;
  }
}
