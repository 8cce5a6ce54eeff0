package io.berth.network.seal;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.Ipv4;
import java.net.InetSocketAddress;

/**
 * Another node of the sealed underlay: its tunnel address (what the overlay's VXLAN devices
 * send to) and where its sealed underlay listens on the real network. Packets from the
 * underlay address are taken as this peer's, and must carry its tunnel address as their inner
 * source (as WireGuard binds a peer to its allowed addresses).
 */
public record SealPeer(String tunnelAddress, InetSocketAddress underlay) {
  public SealPeer {
    Ipv4.parse(tunnelAddress);
    if (underlay == null || underlay.isUnresolved() || underlay.getPort() == 0) {
      throw new InvalidArgumentException("seal peer " + tunnelAddress + ": invalid underlay address " + underlay
          + " (an address and a port are needed)");
    }
  }

  int tunnel() {
    return Ipv4.parse(tunnelAddress);
  }
}
