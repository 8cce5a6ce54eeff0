package io.berth.network;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything this module does with iproute2 ({@code ip}): links, addresses, routes and named
 * network namespaces. Changes go through {@code ip -batch} so one call is one process and its
 * error names the failing line.
 */
final class IpCommand {
  private IpCommand() {}

  /** Runs {@code ip -batch -} with the given lines in the host namespace. */
  static void batch(String lines) {
    HostCommand.check(List.of("ip", "-batch", "-"), lines);
  }

  /** Runs {@code ip -n <netns> -batch -} with the given lines inside a named namespace. */
  static void batchIn(String netns, String lines) {
    HostCommand.check(List.of("ip", "-n", netns, "-batch", "-"), lines);
  }

  static boolean linkExists(String name) {
    return HostCommand.run(List.of("ip", "link", "show", "dev", name), null).exit() == 0;
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

  /** Deletes a link if present; a missing link is not an error (cleanup must be repeatable). */
  static void deleteLinkIfExists(String name) {
    if (linkExists(name)) {
      HostCommand.check(List.of("ip", "link", "del", "dev", name), null);
    }
  }

  static boolean netnsExists(String name) {
    return Files.exists(netnsPath(name));
  }

  static Path netnsPath(String name) {
    return Path.of("/run/netns", name);
  }

  /** Deletes a named namespace if present (its veth peers vanish with it). */
  static void deleteNetnsIfExists(String name) {
    if (netnsExists(name)) {
      HostCommand.check(List.of("ip", "netns", "del", name), null);
    }
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
