package io.berth.network;

import java.util.ArrayList;
import java.util.List;

/**
 * The IPv4 destinations the host already routes (its LAN, other bridges, VPNs), so a new
 * network is not given a subnet that would shadow them.
 */
public final class HostRoutes {
  private HostRoutes() {}

  /** Destinations of the main table's routes in CIDR form, default route excluded. */
  public static List<String> ipv4Destinations() {
    String out = HostCommand.check(List.of("ip", "-o", "-4", "route", "show", "table", "main"), null);
    List<String> cidrs = new ArrayList<>();
    for (String line : out.lines().toList()) {
      String dst = line.trim().split("\\s+")[0];
      if (dst.equals("default") || dst.isEmpty()) {
        continue;
      }
      cidrs.add(dst.contains("/") ? dst : dst + "/32");
    }
    return cidrs;
  }
}
