package io.berth.network;

import io.berth.errdefs.InvalidArgumentException;

/**
 * Dotted-quad IPv4 addresses as ints and back, and prefix masks: the arithmetic IPAM, NAT rules
 * and the daemon's subnet picking share. Strict: anything but four decimal octets is refused
 * with a message naming the input.
 */
public final class Ipv4 {
  private Ipv4() {}

  public static int parse(String ip) {
    String[] p = ip == null ? new String[0] : ip.split("\\.", -1);
    if (p.length != 4) {
      throw new InvalidArgumentException("invalid IPv4 address: " + ip);
    }
    int v = 0;
    for (String s : p) {
      if (!s.matches("\\d{1,3}") || Integer.parseInt(s) > 255) {
        throw new InvalidArgumentException("invalid IPv4 address: " + ip);
      }
      v = (v << 8) | Integer.parseInt(s);
    }
    return v;
  }

  public static String format(int v) {
    return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
  }

  /** The netmask of a prefix length, e.g. 24 -> 0xffffff00. */
  public static int mask(int prefix) {
    return prefix == 0 ? 0 : (int) (0xffffffffL << (32 - prefix));
  }
}
