package io.berth.network.overlay;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.IpCommand;
import io.berth.network.Ipv4;
import io.berth.network.Nft;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The routing mesh on this node: every port a service publishes in ingress mode answers on every
 * address of the node (from outside, from containers, and from the node itself), and is balanced
 * round robin over all the service's tasks on the {@code ingress} overlay, wherever they run.
 * <ul>
 *   <li>A task on another node is reached through the ingress overlay with this node's
 *       {@code ingressAddress} as source: the task answers that address, which only this node
 *       holds (its bridge's node-unique MAC, {@link OverlayPeer#node}), so the reply comes back
 *       here to be un-NATed. The task sees this node's ingress address, not the client.
 *   <li>A task on this node keeps the client's address: the connection is only DNAT'ed, and the
 *       task's reply goes through its default gateway, which is node-local on every overlay, so
 *       it passes this node's conntrack anyway. This holds when the task's default route is on
 *       an overlay or bridge of this node (always, for Berth's containers); a client on this
 *       node's loopback is the exception: 127.0.0.1 cannot be answered, so it is rewritten to
 *       the ingress bridge's gateway.
 * </ul>
 * All in one table of Berth's ({@code <daemon table>_mesh}), replaced whole in one transaction;
 * conntrack keeps running connections on their task. Ports whose service has no task are
 * refused (TCP reset, ICMP unreachable) rather than left to host sockets or timeouts.
 */
public final class RoutingMesh {
  private final OverlayNetwork ingress;
  private final String table;

  /** @param table e.g. {@code <daemon table>_mesh}: Berth's own, deleted and re-created whole */
  public RoutingMesh(OverlayNetwork ingress, String table) {
    this.ingress = ingress;
    this.table = Nft.tableName(table);
  }

  /**
   * Level-triggered: {@code services} is the whole set of mesh-published services. Puts
   * {@code ingressAddress} (this node's address on the ingress network, unique in the cluster)
   * on the ingress bridge, replacing an earlier one, then replaces the rule table.
   */
  public synchronized void apply(String ingressAddress, List<MeshService> services) {
    String script = script(table, ingress.bridgeName(), checkAddress(ingressAddress), services);
    holdAddress(ingressAddress);
    Nft.apply(script);
  }

  /** Removes the table and the ingress address. */
  public synchronized void delete() {
    Nft.deleteTableIfExists("ip", table);
    holdAddress(null);
  }

  private String checkAddress(String address) {
    RoundRobin.address(address, "ingress");
    String subnet = ingress.subnet();
    int prefix = Integer.parseInt(subnet.substring(subnet.indexOf('/') + 1));
    int net = Ipv4.parse(subnet.substring(0, subnet.indexOf('/')));
    if ((Ipv4.parse(address) & Ipv4.mask(prefix)) != net || address.equals(ingress.gateway())) {
      throw new InvalidArgumentException("ingress address " + address + " must be in " + subnet
          + " and not its gateway " + ingress.gateway());
    }
    return address;
  }

  /** Makes {@code address} (null: none) the one address of the ingress subnet on the bridge besides the gateway. */
  private void holdAddress(String address) {
    String prefix = ingress.subnet().substring(ingress.subnet().indexOf('/'));
    String bridge = ingress.bridgeName();
    StringBuilder ip = new StringBuilder();
    List<String> held = IpCommand.ipv4Addresses(bridge);
    for (String cidr : held) {
      if (!cidr.equals(ingress.gateway() + prefix) && !cidr.equals(address + prefix)) {
        ip.append("addr del ").append(cidr).append(" dev ").append(bridge).append('\n');
      }
    }
    if (address != null && !held.contains(address + prefix)) {
      ip.append("addr add ").append(address).append(prefix).append(" dev ").append(bridge).append('\n');
    }
    if (!ip.isEmpty()) {
      IpCommand.batch(ip.toString());
    }
  }

  /** The whole table as one script; pure, for tests. */
  static String script(String table, String bridge, String ingressAddress, List<MeshService> services) {
    StringBuilder mesh = new StringBuilder();
    StringBuilder closed = new StringBuilder();
    List<String> remote = new ArrayList<>();
    Set<String> ports = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (MeshService s : services) {
      if (s.id() == null || !s.id().matches("[a-zA-Z0-9_.-]{1,64}") || !ids.add(s.id())) {
        throw new InvalidArgumentException("invalid or repeated mesh service id " + s.id());
      }
      List<String> backends = new ArrayList<>();
      for (MeshBackend b : s.backends()) {
        backends.add(RoundRobin.address(b.ip(), "task of service " + s.id()));
        if (!b.local() && !remote.contains(b.ip())) {
          remote.add(b.ip());
        }
      }
      for (MeshPort p : s.ports()) {
        String where = "service " + s.id();
        RoundRobin.checkProtocol(p.protocol(), where);
        RoundRobin.checkPort(p.publishedPort(), where);
        RoundRobin.checkPort(p.targetPort(), where);
        if (!ports.add(p.protocol() + "/" + p.publishedPort())) {
          throw new InvalidArgumentException("port " + p.publishedPort() + "/" + p.protocol()
              + " is published by two mesh services (" + where + ")");
        }
        String match = "    " + p.protocol() + " dport " + p.publishedPort() + ' ';
        String tag = " comment " + Nft.quote("mesh:" + s.id());
        if (backends.isEmpty()) {
          closed.append(match).append(p.protocol().equals("tcp") ? "reject with tcp reset" : "reject").append(tag)
              .append('\n');
        } else {
          mesh.append(match).append(RoundRobin.dnat(backends, p.targetPort())).append(tag).append('\n');
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("add table ip ").append(table).append('\n');
    sb.append("delete table ip ").append(table).append('\n');
    sb.append("table ip ").append(table).append(" {\n");
    sb.append("  chain prerouting {\n")
        .append("    type nat hook prerouting priority dstnat; policy accept;\n")
        .append("    fib daddr type local jump mesh\n")
        .append("  }\n");
    sb.append("  chain output {\n")
        .append("    type nat hook output priority -100; policy accept;\n")
        .append("    fib daddr type local jump mesh\n")
        .append("  }\n");
    sb.append("  chain mesh {\n").append(mesh).append("  }\n");
    // before the ingress network's own masquerades (srcnat): a loopback or hairpin client of a
    // remote task must get the node's ingress address, not the node-local gateway
    sb.append("  chain postrouting {\n")
        .append("    type nat hook postrouting priority srcnat - 1; policy accept;\n");
    if (!remote.isEmpty()) {
      sb.append("    oifname ").append(Nft.quote(bridge)).append(" ct status dnat ip daddr ")
          .append(RoundRobin.set(remote)).append(" snat ip to ").append(ingressAddress)
          .append(" comment \"mesh: remote tasks answer this node\"\n");
    }
    sb.append("  }\n");
    sb.append("  chain closed {\n")
        .append("    type filter hook input priority filter; policy accept;\n")
        .append(closed)
        .append("  }\n");
    sb.append("}\n");
    return sb.toString();
  }
}
