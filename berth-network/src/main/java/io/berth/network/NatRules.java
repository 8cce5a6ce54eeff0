package io.berth.network;

import java.util.List;

/**
 * Builds the whole nftables table of one bridge from state, as one script. The script deletes
 * and re-creates the table in the same transaction, so applying it any number of times leaves
 * exactly one copy of every rule (init and restore are idempotent by construction) and packets
 * never see a half-built table. Pure text: unit-testable without root.
 */
final class NatRules {
  /** One container's published ports; {@code id} tags its rules so they can be found per container. */
  record Published(String id, String containerIp, List<PortBinding> ports) {}

  /**
   * The comment of the first rule of every forward chain written here. Such a chain drops only
   * what concerns its own bridge, so {@link ForeignForward} leaves it alone.
   */
  static final String OWN_CHAIN = "berth: established flows";

  private NatRules() {}

  static String comment(String containerId) {
    return "berth:" + containerId.substring(0, Math.min(12, containerId.length()));
  }

  static String script(String table, String bridge, String subnet, List<Published> published) {
    return script(table, bridge, subnet, published, false, List.of());
  }

  /**
   * @param internal no outbound masquerade and nothing forwarded off the bridge either way
   * @param isolateFrom other bridges (nft interface patterns) this bridge's containers may not
   *     reach, except through published ports
   */
  static String script(String table, String bridge, String subnet, List<Published> published,
      boolean internal, List<String> isolateFrom) {
    return script(table, bridge, subnet, published, internal, isolateFrom, false);
  }

  /**
   * @param closedInbound only replies and DNAT'ed connections (published ports, the routing
   *     mesh) are forwarded into the bridge: other networks and outside hosts routing through
   *     this host to the subnet are dropped
   */
  static String script(String table, String bridge, String subnet, List<Published> published,
      boolean internal, List<String> isolateFrom, boolean closedInbound) {
    String br = Nft.quote(bridge);
    StringBuilder sb = new StringBuilder();
    sb.append("add table ip ").append(table).append('\n');
    sb.append("delete table ip ").append(table).append('\n');
    sb.append("table ip ").append(table).append(" {\n");
    // route_localnet on the bridge (needed for 127.0.0.1 publishing) would also let a container
    // send packets to the host's loopback services; drop those before NAT can touch them.
    sb.append("  chain guard {\n")
        .append("    type filter hook prerouting priority -150; policy accept;\n")
        // the address first: every packet entering the host meets this rule, few are for 127/8,
        // and comparing it is cheaper than loading the interface's name
        .append("    ip daddr 127.0.0.0/8 iifname ").append(br).append(" drop comment \"no loopback from containers\"\n")
        .append("  }\n");
    sb.append("  chain prerouting {\n")
        .append("    type nat hook prerouting priority dstnat; policy accept;\n")
        .append("    fib daddr type local jump publish\n")
        .append("  }\n");
    sb.append("  chain output {\n")
        .append("    type nat hook output priority -100; policy accept;\n")
        .append("    fib daddr type local jump publish\n")
        .append("  }\n");
    sb.append("  chain postrouting {\n")
        .append("    type nat hook postrouting priority srcnat; policy accept;\n");
    if (!internal) {
      sb.append("    ip saddr ").append(subnet).append(" oifname != ").append(br)
          .append(" masquerade comment \"outbound\"\n");
    }
    sb
        .append("    oifname ").append(br).append(" ip saddr 127.0.0.0/8 masquerade comment \"localhost publishing\"\n")
        .append("    oifname ").append(br).append(" ip saddr ").append(subnet)
        .append(" ct status dnat masquerade comment \"hairpin\"\n")
        .append("  }\n");
    sb.append("  chain forward {\n")
        .append("    type filter hook forward priority filter; policy accept;\n")
        // a flow is established only after its first packet passed the rules below, so its later
        // packets may skip them; they are nearly all of the traffic, and the routing mesh's
        // forwarding node meets this chain in every bridge's table
        .append("    ct state established,related accept comment ").append(Nft.quote(OWN_CHAIN)).append('\n');
    if (internal) {
      sb.append("    iifname ").append(br).append(" oifname != ").append(br).append(" drop comment \"internal\"\n");
      sb.append("    oifname ").append(br).append(" iifname != ").append(br).append(" drop comment \"internal\"\n");
    } else {
      // published ports stay reachable from every network (a bare "ct status != dnat" would
      // compare the whole status word, not the bit)
      if (!isolateFrom.isEmpty()) {
        sb.append("    iifname ").append(br).append(" ct status dnat accept comment \"published ports\"\n");
      }
      for (String other : isolateFrom) {
        sb.append("    iifname ").append(br).append(" oifname ").append(Nft.quote(other))
            .append(" oifname != ").append(br).append(" drop comment \"isolation\"\n");
      }
      if (closedInbound) {
        sb.append("    oifname ").append(br).append(" iifname != ").append(br).append(" ct status dnat accept\n")
            .append("    oifname ").append(br).append(" iifname != ").append(br)
            .append(" drop comment \"not routed into\"\n");
      }
    }
    sb.append(ForeignForward.acceptRules(bridge).stream().map(r -> "    " + r + "\n").reduce("", String::concat))
        .append("  }\n");
    sb.append("  chain publish {\n");
    for (Published p : published) {
      for (PortBinding b : p.ports()) {
        sb.append("    ");
        if (!isWildcard(b.hostIp())) {
          sb.append("ip daddr ").append(b.hostIp()).append(' ');
        }
        sb.append(b.protocol()).append(" dport ").append(b.hostPort())
            .append(" dnat to ").append(p.containerIp()).append(':').append(b.containerPort())
            .append(" comment ").append(Nft.quote(comment(p.id()))).append('\n');
      }
    }
    sb.append("  }\n");
    sb.append("}\n");
    return sb.toString();
  }

  /** Docker spells "all addresses" as empty, 0.0.0.0 or :: depending on the client. */
  static boolean isWildcard(String hostIp) {
    return hostIp == null || hostIp.isEmpty() || hostIp.equals("0.0.0.0") || hostIp.equals("::");
  }
}
