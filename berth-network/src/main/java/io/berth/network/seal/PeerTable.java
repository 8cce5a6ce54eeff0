package io.berth.network.seal;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.Ipv4;
import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The peers at one moment, found by tunnel address (where a packet from the tun goes) and by
 * underlay address (whose a sealed packet is). Immutable and replaced whole by
 * {@link SealedUnderlay#peers}. Peers are matched by underlay address, not port: a node's
 * packets leave from its listening socket, whose port a NAT on the way may change.
 */
record PeerTable(Map<Integer, SealPeer> byTunnel, Map<InetAddress, SealPeer> byUnderlay) {
  static final PeerTable EMPTY = new PeerTable(Map.of(), Map.of());

  /** The peers, checked against this node's tunnel address and subnet. */
  static PeerTable of(Collection<SealPeer> peers, TunnelAddress self) {
    Map<Integer, SealPeer> byTunnel = new HashMap<>();
    Map<InetAddress, SealPeer> byUnderlay = new HashMap<>();
    for (SealPeer p : peers) {
      int t = p.tunnel();
      if (t == self.address()) {
        throw new InvalidArgumentException("seal peer " + p.tunnelAddress() + " has this node's own tunnel address");
      }
      if (!self.contains(t)) {
        throw new InvalidArgumentException("seal peer " + p.tunnelAddress() + " is outside the tunnel subnet "
            + self.subnet());
      }
      if (byTunnel.put(t, p) != null) {
        throw new InvalidArgumentException("seal peers: tunnel address " + p.tunnelAddress() + " appears twice");
      }
      if (byUnderlay.put(p.underlay().getAddress(), p) != null) {
        throw new InvalidArgumentException("seal peers: underlay address " + p.underlay().getAddress().getHostAddress()
            + " appears twice");
      }
    }
    return new PeerTable(Map.copyOf(byTunnel), Map.copyOf(byUnderlay));
  }

  /** The tunnel address of the peer at {@code underlay}, as {@link Ipv4} int, or 0 when it is none. */
  int senderAt(InetAddress underlay) {
    SealPeer p = byUnderlay.get(underlay);
    return p == null ? 0 : p.tunnel();
  }
}
