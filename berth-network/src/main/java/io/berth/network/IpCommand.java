package io.berth.network;

import java.util.List;

/**
 * What this module still does with iproute2 ({@code ip}): the bridge's creation and address at
 * daemon start, which happen once, so a process there costs nothing that matters. Everything
 * per container goes through netlink ({@code io.berth.network.netlink}). Changes go through
 * {@code ip -batch} so one call is one process and its error names the failing line.
 */
final class IpCommand {
  private IpCommand() {}

  /** Runs {@code ip -batch -} with the given lines in the host namespace. */
  static void batch(String lines) {
    HostCommand.check(List.of("ip", "-batch", "-"), lines);
  }

  /** The IPv4 addresses of a link in {@code a.b.c.d/len} form, as {@code ip -o -4 addr} prints them. */
  static List<String> ipv4Addresses(String dev) {
    String out = HostCommand.check(List.of("ip", "-o", "-4", "addr", "show", "dev", dev), null);
    return out.lines()
        .map(l -> l.trim().split("\\s+"))
        .filter(f -> f.length > 3 && f[2].equals("inet"))
        .map(f -> f[3])
        .toList();
  }

  /** The source address the host would use for a destination, without sending anything. */
  static String routeSource(String destination) {
    String out = HostCommand.check(List.of("ip", "-o", "route", "get", destination), null);
    String[] f = out.trim().split("\\s+");
    for (int i = 0; i + 1 < f.length; i++) {
      if (f[i].equals("src")) {
        return f[i + 1];
      }
    }
    return null;
  }
}
