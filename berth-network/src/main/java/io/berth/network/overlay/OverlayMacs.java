package io.berth.network.overlay;

import io.berth.network.Ipv4;

/**
 * The MACs an overlay uses, derived rather than random so every node can compute a remote
 * endpoint's or node's MAC from addresses the cluster already shares. Endpoints use Docker's
 * {@code 02:42} + the four address bytes; a node's bridge uses {@code 06:42} + its underlay
 * address bytes, so it is unique per node (the routing mesh's replies are switched to it across
 * VXLAN) and never equal to an endpoint's (both locally administered, unicast).
 */
final class OverlayMacs {
  private OverlayMacs() {}

  static String endpoint(String ip) {
    return format(0x02, Ipv4.parse(ip));
  }

  static String node(String underlay) {
    return format(0x06, Ipv4.parse(underlay));
  }

  private static String format(int first, int v) {
    return String.format("%02x:42:%02x:%02x:%02x:%02x", first, (v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255,
        v & 255);
  }
}
