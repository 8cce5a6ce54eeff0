package io.berth.network.overlay;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.Nft;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Service virtual IPs, load-balanced inside one sandbox's network namespace: the client side, as
 * Docker does with IPVS in each container. The DNAT happens in the sandbox's own output hook, so
 * <ul>
 *   <li>the VIP needs no owner: the packet is rewritten before the kernel resolves a next hop,
 *       so nothing ever ARPs for the VIP (it would get no answer: no endpoint has it);
 *   <li>the backend sees the client's own address, and the reply is un-NATed by the sandbox's
 *       own conntrack, with no node in the middle keeping state.
 * </ul>
 * The sandbox's whole set lives in one table, {@value #TABLE}, replaced by one {@code nft -f}
 * run inside the namespace, so a change is atomic and running connections keep their backend.
 * Each service's rule is round robin over the backends it is given; for a least-connections
 * service {@link LeastConnections} gives it only the least-loaded ones.
 * Packets to a VIP that no rule rewrote (a service without backends, a port it does not
 * publish) are refused (TCP reset, ICMP unreachable) in a filter chain after the NAT, instead of
 * vanishing into ARP timeouts.
 */
public final class ServiceBalancer {
  /** The table in each sandbox: the namespace is the container's, so a fixed name is ours alone. */
  public static final String TABLE = "berth_services";

  /**
   * Replaces the sandbox's virtual services with {@code services} (empty: none) in one
   * transaction inside the network namespace at {@code netnsPath}.
   */
  public void apply(String netnsPath, List<VirtualService> services) {
    if (netnsPath == null || !netnsPath.startsWith("/")) {
      throw new InvalidArgumentException("invalid network namespace path " + netnsPath);
    }
    Nft.applyIn(Path.of(netnsPath), script(services));
  }

  /** Removes the sandbox's virtual services. */
  public void clear(String netnsPath) {
    apply(netnsPath, List.of());
  }

  /** The whole table as one script; pure, for tests. */
  static String script(List<VirtualService> services) {
    StringBuilder sb = new StringBuilder();
    sb.append("add table ip ").append(TABLE).append('\n');
    sb.append("delete table ip ").append(TABLE).append('\n');
    if (services.isEmpty()) {
      return sb.toString();
    }
    List<String> vips = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    StringBuilder nat = new StringBuilder();
    for (VirtualService s : services) {
      String vip = RoundRobin.address(s.vip(), "virtual IP");
      if (vips.contains(vip)) {
        throw new InvalidArgumentException("virtual IP " + vip + " is listed twice");
      }
      vips.add(vip);
      s.backends().forEach(b -> RoundRobin.address(b, "backend of " + vip));
      if (s.ports().isEmpty() && !s.backends().isEmpty()) {
        nat.append("    ip daddr ").append(vip).append(' ').append(RoundRobin.dnatAnyPort(s.backends())).append('\n');
      }
      for (ServicePort p : s.ports()) {
        String where = "virtual IP " + vip;
        RoundRobin.checkProtocol(p.protocol(), where);
        RoundRobin.checkPort(p.port(), where);
        RoundRobin.checkPort(p.targetPort(), where);
        if (!seen.add(vip + "/" + p.protocol() + "/" + p.port())) {
          throw new InvalidArgumentException("port " + p.port() + "/" + p.protocol() + " of " + where + " is listed twice");
        }
        if (!s.backends().isEmpty()) {
          nat.append("    ip daddr ").append(vip).append(' ').append(p.protocol()).append(" dport ").append(p.port())
              .append(' ').append(RoundRobin.dnat(s.backends(), p.targetPort())).append('\n');
        }
      }
    }
    sb.append("table ip ").append(TABLE).append(" {\n");
    sb.append("  chain balance {\n")
        .append("    type nat hook output priority -100; policy accept;\n")
        .append(nat)
        .append("  }\n");
    String set = RoundRobin.set(vips);
    sb.append("  chain unbalanced {\n")
        .append("    type filter hook output priority filter; policy accept;\n")
        .append("    ip daddr ").append(set).append(" meta l4proto tcp reject with tcp reset\n")
        .append("    ip daddr ").append(set).append(" reject\n")
        .append("  }\n");
    sb.append("}\n");
    return sb.toString();
  }
}
