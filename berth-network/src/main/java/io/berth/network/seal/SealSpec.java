package io.berth.network.seal;

import io.berth.errdefs.InvalidArgumentException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * What a sealed underlay is made of: the tun's name, this node's tunnel address with the
 * tunnel subnet's prefix ("100.64.0.5/16"; the kernel routes the whole subnet into the tun),
 * the underlay address and UDP port to listen on (port 0: any free one), and the MTU of the
 * underlay network, from which the tun's MTU follows.
 */
public record SealSpec(String tunName, String tunnelCidr, InetSocketAddress listen, int underlayMtu) {
  public static final int DEFAULT_PORT = 4790;
  public static final int DEFAULT_UNDERLAY_MTU = 1500;
  private static final int UDP_HEADER = 8;

  public SealSpec {
    TunnelAddress.parse(tunnelCidr);
    if (listen == null || listen.isUnresolved()) {
      throw new InvalidArgumentException("seal: invalid listen address " + listen);
    }
    if (underlayMtu < 1280 || underlayMtu > 65535) {
      throw new InvalidArgumentException("seal: invalid underlay MTU " + underlayMtu + " (1280 to 65535)");
    }
  }

  public SealSpec(String tunName, String tunnelCidr, InetSocketAddress listen) {
    this(tunName, tunnelCidr, listen, DEFAULT_UNDERLAY_MTU);
  }

  /** The tun's MTU: what is left of the underlay's after the outer IP and UDP headers and the seal. */
  public int tunMtu() {
    int ip = listen.getAddress() instanceof Inet6Address ? 40 : 20;
    return underlayMtu - ip - UDP_HEADER - Envelope.OVERHEAD;
  }

  TunnelAddress tunnel() {
    return TunnelAddress.parse(tunnelCidr);
  }
}
