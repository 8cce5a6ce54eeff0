package io.berth.cluster.allocator;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.Ipv4;

/**
 * An IPv4 block (its first address and prefix length), the arithmetic the pools and address
 * spaces share. Parsing is strict and names the input: a block with host bits set
 * ({@code 10.0.1.5/24}) is refused as Docker refuses it.
 */
public record Cidr(int base, int prefix) {
  public Cidr {
    if (prefix < 0 || prefix > 32) {
      throw new InvalidArgumentException("invalid prefix length /" + prefix);
    }
  }

  public static Cidr parse(String text) {
    String[] p = text == null ? new String[0] : text.split("/", -1);
    if (p.length != 2 || !p[1].matches("\\d{1,2}") || Integer.parseInt(p[1]) > 32) {
      throw new InvalidArgumentException("invalid CIDR address: " + text + " (expected e.g. 10.0.1.0/24)");
    }
    int prefix = Integer.parseInt(p[1]);
    int ip = Ipv4.parse(p[0]);
    if ((ip & Ipv4.mask(prefix)) != ip) {
      throw new InvalidArgumentException("invalid CIDR address " + text + ": host bits are set (did you mean "
          + Ipv4.format(ip & Ipv4.mask(prefix)) + "/" + prefix + "?)");
    }
    return new Cidr(ip, prefix);
  }

  public boolean overlaps(Cidr o) {
    int m = Ipv4.mask(Math.min(prefix, o.prefix));
    return (base & m) == (o.base & m);
  }

  public boolean contains(int ip) {
    return (ip & Ipv4.mask(prefix)) == base;
  }

  /** Every address of {@code o} is in this block. */
  public boolean covers(Cidr o) {
    return prefix <= o.prefix && contains(o.base);
  }

  /** How many addresses the block holds. */
  public long size() {
    return 1L << (32 - prefix);
  }

  /** The {@code i}-th address of the block (0 is the block's own address). */
  public int address(long i) {
    return (int) (Integer.toUnsignedLong(base) + i);
  }

  /** The last address (the broadcast address of a subnet). */
  public int last() {
    return address(size() - 1);
  }

  @Override
  public String toString() {
    return Ipv4.format(base) + "/" + prefix;
  }
}
