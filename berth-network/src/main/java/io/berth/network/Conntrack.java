package io.berth.network;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a network namespace's connection tracking table with the {@code conntrack} tool
 * (Debian's conntrack package), the one place the kernel keeps how many connections a NAT rule
 * sent to each backend: the least-connections balancing counts them here. There is no
 * {@code /proc/net/nf_conntrack} on the kernels Berth targets, so the tool's netlink dump it is.
 */
public final class Conntrack {
  /** TCP states of a connection that is opening or open; closing and closed ones no longer load a backend. */
  private static final Set<String> LIVE_TCP = Set.of("SYN_SENT", "SYN_RECV", "ESTABLISHED");

  private Conntrack() {}

  /**
   * Live connections by the address that answers them (the reply direction's source: the
   * backend a DNAT picked), in the namespace at {@code netns} (null: the one berthd runs in).
   */
  public static Map<String, Integer> liveByReplySource(Path netns) {
    List<String> cmd = new ArrayList<>();
    if (netns != null) {
      cmd.addAll(List.of("nsenter", "--net=" + netns));
    }
    cmd.addAll(List.of("conntrack", "-L", "-f", "ipv4"));
    return count(HostCommand.check(cmd, null));
  }

  /**
   * Counts {@code conntrack -L} lines: TCP entries opening or established, and every UDP entry
   * (a UDP flow is live while its entry lasts), by the second {@code src=} of the line.
   */
  static Map<String, Integer> count(String listing) {
    Map<String, Integer> out = new HashMap<>();
    for (String line : listing.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4) {
        continue;
      }
      boolean live = switch (f[0]) {
        case "tcp" -> LIVE_TCP.contains(f[3]);
        case "udp" -> true;
        default -> false;
      };
      if (!live) {
        continue;
      }
      int sources = 0;
      for (String field : f) {
        if (field.startsWith("src=") && ++sources == 2) {
          out.merge(field.substring(4), 1, Integer::sum);
          break;
        }
      }
    }
    return out;
  }
}
