package io.berth.network.overlay;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.Attach;
import io.berth.network.Endpoint;
import io.berth.network.LinuxBridgeNetwork;
import io.berth.network.Network;
import io.berth.network.PortBinding;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One overlay network on this node: a {@link LinuxBridgeNetwork} (bridge, veths, endpoints,
 * published ports, nftables table and state file: everything a node-local segment needs) whose
 * bridge also holds a {@link VxlanDevice}, and whose remote endpoints are programmed by
 * {@link #peers}. Addresses come from the cluster's allocator, so an attach must name one. The
 * gateway is node-local: every node carries the same gateway address on its own bridge, and ARP
 * for it never crosses VXLAN, so each container leaves the overlay through its own node.
 */
public final class OverlayNetwork implements Network {
  private final LinuxBridgeNetwork segment;
  private final String vxlan;
  private final int vni;
  private final String underlay;
  private final int mtu;
  private final String nodeMac;

  OverlayNetwork(LinuxBridgeNetwork segment, String vxlan, int vni, String underlay, int mtu) {
    this.segment = segment;
    this.vxlan = vxlan;
    this.vni = vni;
    this.underlay = underlay;
    this.mtu = mtu;
    this.nodeMac = OverlayMacs.node(underlay);
  }

  /** Creates or adopts the bridge, the VXLAN device, the gateway, the rules: see {@link VxlanDevice#ensure}. */
  synchronized void init() {
    VxlanDevice.ensure(segment.bridgeName(), nodeMac, vxlan, vni, underlay, mtu);
    segment.init();
  }

  /**
   * Joins the sandbox with the address the cluster allocated ({@code attach.requestedIp()},
   * required: a node-local pick could collide with another node's).
   */
  @Override
  public Endpoint attach(String sandboxId, Attach attach) {
    if (attach.requestedIp() == null || attach.requestedIp().isEmpty()) {
      throw new InvalidArgumentException("an overlay endpoint needs the address the cluster allocated for it"
          + " (network " + segment.bridgeName() + ", sandbox " + sandboxId + ")");
    }
    return segment.attach(sandboxId, attach);
  }

  /** Synchronous: the link is gone when this returns (the link reaper works in the JVM's own namespace). */
  @Override
  public void detach(String sandboxId) {
    segment.detach(sandboxId);
  }

  /** Host-mode published ports: DNAT from every address of this node to the endpoint. */
  @Override
  public List<PortBinding> publish(String sandboxId, List<PortBinding> requested) {
    return segment.publish(sandboxId, requested);
  }

  /**
   * Level-triggered: {@code peers} is the whole set of REMOTE endpoints (and remote nodes'
   * ingress addresses) of this network; forwarding and neighbour entries not listed are
   * removed, missing ones added, equal ones left alone. Idempotent.
   */
  public synchronized void peers(Collection<OverlayPeer> peers) {
    PeerTable.sync(vxlan, peers);
  }

  @Override
  public synchronized void delete() {
    segment.delete();
    VxlanDevice.delete(vxlan);
  }

  @Override
  public Optional<Endpoint> endpoint(String sandboxId) {
    return segment.endpoint(sandboxId);
  }

  @Override
  public List<PortBinding> published(String sandboxId) {
    return segment.published(sandboxId);
  }

  @Override
  public Map<String, List<PortBinding>> published() {
    return segment.published();
  }

  @Override
  public String subnet() {
    return segment.subnet();
  }

  @Override
  public String gateway() {
    return segment.gateway();
  }

  @Override
  public boolean internal() {
    return segment.internal();
  }

  public String bridgeName() {
    return segment.bridgeName();
  }

  public String vxlanName() {
    return vxlan;
  }

  public int vni() {
    return vni;
  }

  /** The data-path address this node's VXLAN device sends from and peers send to. */
  public String underlay() {
    return underlay;
  }

  public int mtu() {
    return mtu;
  }

  /** This node's bridge MAC on the network: what remote peers list for this node's own addresses. */
  public String nodeMac() {
    return nodeMac;
  }
}
