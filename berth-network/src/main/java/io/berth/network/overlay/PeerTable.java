package io.berth.network.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.IpCommand;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Makes a VXLAN device's static entries equal to a set of remote endpoints: per peer, a
 * forwarding entry (its MAC is behind its node's underlay address) and a permanent neighbour
 * entry (its address has that MAC; the device's ARP proxy answers from it). The kernel is the
 * record: the current entries are read back, so only what differs is changed and a restarted
 * daemon needs nothing saved. Entries of the bridge itself ({@code master}) and learned or
 * automatic ones are never touched.
 */
final class PeerTable {
  private PeerTable() {}

  static void sync(String vxlan, Collection<OverlayPeer> peers) {
    Map<String, String> underlayByMac = new HashMap<>();
    Map<String, String> macByIp = new HashMap<>();
    for (OverlayPeer p : peers) {
      String had = macByIp.put(p.ip(), p.mac());
      if (had != null && !had.equals(p.mac())) {
        throw new InvalidArgumentException("overlay peer " + p.ip() + " is listed with two MACs: " + had + ", " + p.mac());
      }
      String at = underlayByMac.put(p.mac(), p.underlay());
      if (at != null && !at.equals(p.underlay())) {
        throw new InvalidArgumentException("overlay peer MAC " + p.mac() + " is listed on two nodes: " + at + ", "
            + p.underlay());
      }
    }
    Map<String, String> fdb = forwarding(vxlan);
    Map<String, String> neigh = neighbours(vxlan);
    StringBuilder bridge = new StringBuilder();
    underlayByMac.forEach((mac, underlay) -> {
      if (!underlay.equals(fdb.get(mac))) {
        bridge.append("fdb replace ").append(mac).append(" dev ").append(vxlan).append(" dst ").append(underlay)
            .append(" self permanent\n");
      }
    });
    fdb.keySet().stream().filter(mac -> !underlayByMac.containsKey(mac))
        .forEach(mac -> bridge.append("fdb del ").append(mac).append(" dev ").append(vxlan).append(" self\n"));
    StringBuilder ip = new StringBuilder();
    macByIp.forEach((addr, mac) -> {
      if (!mac.equals(neigh.get(addr))) {
        ip.append("neigh replace ").append(addr).append(" lladdr ").append(mac).append(" dev ").append(vxlan)
            .append(" nud permanent\n");
      }
    });
    neigh.keySet().stream().filter(addr -> !macByIp.containsKey(addr))
        .forEach(addr -> ip.append("neigh del ").append(addr).append(" dev ").append(vxlan).append('\n'));
    // forwarding first: a neighbour answered by the proxy must already be reachable
    if (!bridge.isEmpty()) {
      IpCommand.bridgeBatch(bridge.toString());
    }
    if (!ip.isEmpty()) {
      IpCommand.batch(ip.toString());
    }
  }

  /** MAC to destination of the device's own static unicast entries. */
  static Map<String, String> forwarding(String vxlan) {
    Map<String, String> out = new HashMap<>();
    for (JsonNode e : IpCommand.json("bridge", "fdb", "show", "dev", vxlan)) {
      String mac = e.path("mac").asText();
      if (e.has("dst") && !e.has("master") && !mac.equals("00:00:00:00:00:00")
          && "permanent".equals(e.path("state").asText())) {
        out.put(mac, e.path("dst").asText());
      }
    }
    return out;
  }

  /** Address to MAC of the device's permanent neighbour entries. */
  static Map<String, String> neighbours(String vxlan) {
    Map<String, String> out = new HashMap<>();
    for (JsonNode e : IpCommand.json("ip", "-4", "neigh", "show", "dev", vxlan, "nud", "permanent")) {
      out.put(e.path("dst").asText(), e.path("lladdr").asText());
    }
    return out;
  }
}
