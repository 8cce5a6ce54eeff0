package io.berth.network.overlay;

import io.berth.network.Nft;

/**
 * Keeps the VXLAN packets between this node and the others out of conntrack. Nothing NATs or
 * filters them by state, yet every frame crossing nodes was tracked twice on each node: once as
 * the outer UDP packet and once as the inner one, which is what the rules act on; the routing
 * mesh's forwarding node, which decapsulates and encapsulates again, four times. Measured on the
 * lab, the mesh's hop through a third node lost about 3% of its throughput to it.
 *
 * <p>Only UDP to port 4789 of this node's underlay address (arriving) and from it (leaving) is
 * matched: VXLAN that this host merely routes, or that another program sends from another
 * address, stays tracked. One table of Berth's ({@code <daemon table>_vxlan}), replaced whole.
 */
public final class UntrackedUnderlay {
  private final String table;
  /** The underlay the table holds, or null. */
  private String applied;
  /** Whether the table is known to be absent (a daemon's first look deletes one left over). */
  private boolean absent;

  /** @param table e.g. {@code <daemon table>_vxlan}: Berth's own, deleted and re-created whole */
  public UntrackedUnderlay(String table) {
    this.table = Nft.tableName(table);
  }

  /** The rules for {@code underlay}, this node's data-path address; nothing is written when they are in place. */
  public synchronized void apply(String underlay) {
    RoundRobin.address(underlay, "underlay");
    if (!underlay.equals(applied)) {
      Nft.apply(script(table, underlay));
      applied = underlay;
      absent = false;
    }
  }

  /** Removes the table (no overlay on this node any more). */
  public synchronized void delete() {
    if (!absent) {
      Nft.deleteTableIfExists("ip", table);
      applied = null;
      absent = true;
    }
  }

  /** The whole table as one script; pure, for tests. */
  static String script(String table, String underlay) {
    String port = Integer.toString(VxlanDevice.PORT);
    return "add table ip " + table + "\n"
        + "delete table ip " + table + "\n"
        + "table ip " + table + " {\n"
        + "  chain prerouting {\n"
        + "    type filter hook prerouting priority raw; policy accept;\n"
        + "    ip daddr " + underlay + " udp dport " + port + " notrack comment \"VXLAN from other nodes\"\n"
        + "  }\n"
        + "  chain output {\n"
        + "    type filter hook output priority raw; policy accept;\n"
        + "    ip saddr " + underlay + " udp dport " + port + " notrack comment \"VXLAN to other nodes\"\n"
        + "  }\n"
        + "}\n";
  }
}
