package io.berth.cluster.allocator;

import io.berth.cluster.model.IpamConfig;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import io.berth.network.Ipv4;
import java.util.HashSet;
import java.util.Set;

/**
 * The addresses of one allocated network: its subnet, the part handed out ({@code --ip-range}, the
 * whole subnet by default) and its gateway. The subnet's own and broadcast addresses and the
 * gateway are never handed out; every other address goes at most once (to a virtual IP, a task or
 * a node). Addresses are written as Docker shows them, {@code 10.0.1.3/24}.
 */
public final class AddressSpace {
  private final Cidr subnet;
  private final Cidr range;
  private final int gateway;
  private final Set<Integer> taken = new HashSet<>();

  public AddressSpace(IpamConfig block) {
    Block b = Block.of(block);
    this.subnet = b.subnet();
    this.range = b.range();
    this.gateway = b.gateway();
  }

  /**
   * An address block as the user gave it ({@code --subnet}, {@code --ip-range}, {@code --gateway})
   * checked: the range and the gateway inside the subnet; the gateway defaults to the subnet's
   * first address.
   */
  public record Block(Cidr subnet, Cidr range, int gateway) {
    public static Block of(IpamConfig c) {
      Cidr subnet = Cidr.parse(c.subnet());
      if (subnet.prefix() > 30) {
        throw new InvalidArgumentException("subnet " + subnet + " is too small for a network: at most /30");
      }
      Cidr range = c.range().isEmpty() ? subnet : Cidr.parse(c.range());
      if (!subnet.covers(range)) {
        throw new InvalidArgumentException("ip-range " + range + " is not within subnet " + subnet);
      }
      int gateway = c.gateway().isEmpty() ? subnet.address(1) : Ipv4.parse(c.gateway());
      if (!subnet.contains(gateway) || gateway == subnet.base() || gateway == subnet.last()) {
        throw new InvalidArgumentException("gateway " + Ipv4.format(gateway) + " is not a host address of subnet "
            + subnet);
      }
      return new Block(subnet, range, gateway);
    }

    /** As stored on the allocated network: the gateway filled in. */
    public IpamConfig config() {
      return new IpamConfig(subnet.toString(), range.equals(subnet) ? "" : range.toString(), Ipv4.format(gateway));
    }
  }

  /**
   * Marks {@code address} ({@code 10.0.1.3/24} or bare) taken; false when it is not one of this
   * network's (the network was made again with another subnet) or already taken.
   */
  public boolean reserve(String address) {
    int slash = address.indexOf('/');
    int ip;
    try {
      ip = Ipv4.parse(slash < 0 ? address : address.substring(0, slash));
    } catch (InvalidArgumentException e) {
      return false;
    }
    if (!subnet.contains(ip) || ip == gateway || ip == subnet.base() || ip == subnet.last()) {
      return false;
    }
    return taken.add(ip);
  }

  /** The lowest free address of the range, taken. */
  public String take() {
    for (long i = 0; i < range.size(); i++) {
      int ip = range.address(i);
      if (ip != gateway && ip != subnet.base() && ip != subnet.last() && !taken.contains(ip)) {
        taken.add(ip);
        return format(ip);
      }
    }
    throw new UnavailableException("no address left in " + range + " of network subnet " + subnet);
  }

  public void release(String address) {
    int slash = address.indexOf('/');
    taken.remove(Ipv4.parse(slash < 0 ? address : address.substring(0, slash)));
  }

  private String format(int ip) {
    return Ipv4.format(ip) + "/" + subnet.prefix();
  }
}
