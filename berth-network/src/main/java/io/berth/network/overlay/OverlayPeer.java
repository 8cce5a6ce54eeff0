package io.berth.network.overlay;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.Ipv4;

/**
 * A remote endpoint of an overlay network, as the cluster knows it: its address on the overlay,
 * its MAC, and the data-path (underlay) address of the node it runs on, where its VXLAN frames
 * are sent. A node's own ingress address (the routing mesh's source for remote backends) is a
 * peer too: {@link #node}.
 */
public record OverlayPeer(String ip, String mac, String underlay) {
  public OverlayPeer {
    Ipv4.parse(ip);
    Ipv4.parse(underlay);
    if (mac == null || !mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
      throw new InvalidArgumentException("invalid MAC address " + mac + " of overlay peer " + ip
          + " (six lower-case hex pairs separated by colons)");
    }
  }

  /** An endpoint on the node at {@code underlay}, with Docker's MAC for its address. */
  public static OverlayPeer endpoint(String ip, String underlay) {
    return new OverlayPeer(ip, OverlayMacs.endpoint(ip), underlay);
  }

  /**
   * An address owned by the node at {@code underlay} itself (its routing-mesh ingress address):
   * answered by that node's bridge, whose MAC derives from the underlay address.
   */
  public static OverlayPeer node(String ip, String underlay) {
    return new OverlayPeer(ip, OverlayMacs.node(underlay), underlay);
  }
}
