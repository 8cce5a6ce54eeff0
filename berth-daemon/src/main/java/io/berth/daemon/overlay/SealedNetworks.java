package io.berth.daemon.overlay;

import io.berth.cluster.network.NetworkView;
import io.berth.cluster.network.NetworkView.AttachedNetwork;
import io.berth.cluster.network.NetworkView.NetworkPeer;
import io.berth.cluster.network.NetworkView.Sealing;
import io.berth.daemon.network.NetworkRecord;
import io.berth.daemon.network.NetworkService;
import io.berth.network.overlay.OverlayDriver;
import io.berth.network.overlay.OverlayPeer;
import io.berth.network.overlay.Underlay;
import io.berth.network.seal.SealKey;
import io.berth.network.seal.SealPeer;
import io.berth.network.seal.SealSpec;
import io.berth.network.seal.SealedUnderlay;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of encrypted overlays: the one sealed underlay (decision 0039) that all of
 * them cross, opened when the view first holds an encrypted overlay with its sealing, fed the
 * view's peers and keys (whole, when they change), and closed when no encrypted overlay is left
 * or the tunnel address changed. An encrypted overlay's local copy binds its VXLAN device to the
 * tunnel address and points its forwarding entries at the peers' tunnel addresses, so its frames
 * reach the wire only sealed; without a seal it is not made at all (never carried in clear).
 */
final class SealedNetworks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SealedNetworks.class);
  /** A VXLAN device adds this much to each frame it sends through the tun. */
  private static final int VXLAN_OVERHEAD = 50;

  private final String tunName;
  private final int port;
  private SealedUnderlay seal;
  private String sealedAt;
  private List<SealPeer> peers = List.of();
  private Map<Integer, List<SealKey>> keys = Map.of();

  /** @param tunName the tun's name (the daemon's, so daemons sharing a namespace do not collide) */
  SealedNetworks(String tunName, int port) {
    this.tunName = tunName;
    this.port = port;
  }

  /**
   * Makes the seal match {@code view}; what encrypted overlays need of it now, empty when they
   * cannot be carried (no sealing in the view, or the seal could not be opened).
   */
  synchronized Optional<Carrier> apply(NetworkView view) {
    Sealing s = view.sealing();
    if (s == null || view.networks().stream().noneMatch(AttachedNetwork::encrypted) || view.underlay().isEmpty()) {
      return Optional.empty();
    }
    try {
      String listen = view.underlay();
      if (seal != null && !(s.tunnelAddress() + " " + listen).equals(sealedAt)) {
        LOG.info("sealed underlay {}: tunnel address or underlay changed, opening it again", tunName);
        close();
      }
      if (seal == null) {
        // an IP datagram holds at most 65535 bytes whatever the link (loopback's MTU is 65536)
        seal = SealedUnderlay.open(new SealSpec(tunName, s.tunnelAddress(), new InetSocketAddress(listen, port),
            Math.min(Underlay.mtu(listen), 65535)));
        sealedAt = s.tunnelAddress() + " " + listen;
      }
      List<SealPeer> nextPeers = s.peers().stream()
          .map(p -> new SealPeer(p.tunnelAddress(), new InetSocketAddress(p.underlay(), port))).toList();
      if (!nextPeers.equals(peers)) {
        seal.peers(nextPeers);
        peers = nextPeers;
      }
      List<SealKey> nextKeys = s.keys().stream().map(k -> new SealKey(k.id(), k.secret())).toList();
      if (!Map.of(s.primaryKey(), nextKeys).equals(keys)) {
        seal.keys(nextKeys, s.primaryKey());
        keys = Map.of(s.primaryKey(), nextKeys);
        LOG.info("sealed underlay {}: keys {} (sealing with {})", tunName,
            nextKeys.stream().map(SealKey::id).toList(), s.primaryKey());
      }
      Map<String, String> tunnels = new HashMap<>();
      s.peers().forEach(p -> tunnels.put(p.underlay(), p.tunnelAddress()));
      return Optional.of(new Carrier(seal.tunnelAddress(), seal.mtu() - VXLAN_OVERHEAD, tunnels));
    } catch (RuntimeException e) {
      LOG.warn("encrypted overlays are not carried: the sealed underlay {} cannot be set up: {}", tunName,
          e.getMessage());
      close();
      return Optional.empty();
    }
  }

  /** Closes the seal once the view holds no encrypted overlay (after their copies went). */
  synchronized void release(NetworkView view) {
    if (seal != null && view.networks().stream().noneMatch(AttachedNetwork::encrypted)) {
      close();
    }
  }

  /**
   * Removes this node's copy of encrypted overlay {@code id} when it is not laid over the seal as
   * {@code options} say (the seal was opened again elsewhere), or has no data path (berthd
   * restarted: the tun went with the old process, so the copy could not be restored), for it to
   * be made again over the seal as it is now.
   */
  static void dropStale(NetworkService networks, String id, Map<String, String> options) {
    NetworkRecord r = networks.overlays().stream().filter(o -> o.id().equals(id)).findFirst().orElse(null);
    if (r == null) {
      return;
    }
    boolean broken;
    try {
      networks.network(r);
      broken = !options.equals(r.options());
    } catch (RuntimeException e) {
      broken = true;
    }
    if (broken) {
      LOG.info("encrypted overlay {}: this node's copy is not laid over the sealed underlay as it is now: making it again",
          r.name());
      networks.remove(r);
    }
  }

  @Override
  public synchronized void close() {
    if (seal != null) {
      seal.close();
      seal = null;
      sealedAt = null;
      peers = List.of();
      keys = Map.of();
      LOG.info("sealed underlay {} closed", tunName);
    }
  }

  /**
   * How an encrypted overlay is laid over the seal.
   *
   * @param tunnels a peer node's data-path address to its tunnel address
   */
  record Carrier(String tunnelAddress, int mtu, Map<String, String> tunnels) {
    /** The overlay driver's options for an encrypted network with VXLAN id {@code vni}. */
    Map<String, String> options(int vni) {
      return Map.of(OverlayDriver.VNI, Integer.toString(vni), OverlayDriver.UNDERLAY, tunnelAddress,
          OverlayDriver.MTU, Integer.toString(mtu));
    }

    /** The peer as the encrypted overlay programs it: reached at its node's tunnel address; empty when that node has none. */
    Optional<OverlayPeer> peer(NetworkPeer p) {
      String tunnel = tunnels.get(p.underlay());
      if (tunnel == null) {
        return Optional.empty();
      }
      return Optional.of(p.node() ? OverlayPeer.node(p.ip(), tunnel) : OverlayPeer.endpoint(p.ip(), tunnel));
    }
  }
}
