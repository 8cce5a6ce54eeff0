package io.berth.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.errdefs.UnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * What this module still does with iproute2 ({@code ip}, {@code bridge}): a network's bridge,
 * VXLAN device and address at creation or daemon start, and an overlay's forwarding and
 * neighbour entries (changed when the cluster's endpoints change, not per local container), so a
 * process there costs nothing that matters. Everything per container goes through netlink
 * ({@code io.berth.network.netlink}). Changes go through {@code -batch} so one call is one process
 * and its error names the failing line.
 */
public final class IpCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  private IpCommand() {}

  /** Runs {@code ip -batch -} with the given lines in the host namespace. */
  public static void batch(String lines) {
    HostCommand.check(List.of("ip", "-batch", "-"), lines);
  }

  /** Runs {@code bridge -batch -} (forwarding database entries) with the given lines. */
  public static void bridgeBatch(String lines) {
    HostCommand.check(List.of("bridge", "-batch", "-"), lines);
  }

  /**
   * What {@code ip -j ARGS} (or {@code bridge -j ARGS} when {@code tool} is bridge) prints, as a
   * JSON array; empty when it prints nothing (iproute2 prints nothing for an empty list).
   */
  public static JsonNode json(String tool, String... args) {
    List<String> cmd = new ArrayList<>(List.of(tool, "-j"));
    cmd.addAll(List.of(args));
    String out = HostCommand.check(cmd, null).trim();
    try {
      return out.isEmpty() ? JSON.createArrayNode() : JSON.readTree(out);
    } catch (java.io.IOException e) {
      throw new UnavailableException("cannot parse the output of " + String.join(" ", cmd) + ": " + e.getMessage());
    }
  }

  /** The IPv4 addresses of a link in {@code a.b.c.d/len} form, as {@code ip -o -4 addr} prints them. */
  public static List<String> ipv4Addresses(String dev) {
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
