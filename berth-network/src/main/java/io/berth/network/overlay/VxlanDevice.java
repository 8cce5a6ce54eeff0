package io.berth.network.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.network.IpCommand;
import io.berth.network.netlink.RouteSocket;

/**
 * An overlay's two kernel links on one node: a Linux bridge (the containers' veths join it) and
 * a VXLAN device enslaved to it. The VXLAN device sends every frame for a remote MAC to that
 * MAC's node by a static forwarding entry ({@link PeerTable}), learns nothing ({@code
 * nolearning}), has no multicast group and no all-zeros entry, so broadcasts never leave the
 * node; ARP requests for remote endpoints are answered on the spot from static neighbour entries
 * ({@code proxy}). Creating both is idempotent: existing links with the right settings are
 * adopted as they are (a restarted daemon must not drop running traffic); a VXLAN device with
 * another VNI or local address is replaced.
 */
final class VxlanDevice {
  static final int PORT = 4789;

  private VxlanDevice() {}

  /** Creates or adopts {@code bridge} (MAC {@code bridgeMac}) and {@code vxlan} in it, all with MTU {@code mtu}. */
  static void ensure(String bridge, String bridgeMac, String vxlan, int vni, String underlay, int mtu) {
    StringBuilder ip = new StringBuilder();
    if (!exists(bridge)) {
      ip.append("link add ").append(bridge).append(" type bridge\n");
    }
    // a bridge takes its lowest port's MAC unless given one: the gateway's MAC would change as
    // containers come and go, and the mesh's replies are switched to this MAC across nodes
    ip.append("link set ").append(bridge).append(" address ").append(bridgeMac).append(" mtu ").append(mtu).append('\n');
    if (exists(vxlan) && !matches(vxlan, vni, underlay)) {
      ip.append("link del ").append(vxlan).append('\n');
      ip.append(add(vxlan, vni, underlay));
    } else if (!exists(vxlan)) {
      ip.append(add(vxlan, vni, underlay));
    }
    ip.append("link set ").append(vxlan).append(" mtu ").append(mtu).append(" master ").append(bridge).append(" up\n");
    IpCommand.batch(ip.toString());
  }

  private static String add(String vxlan, int vni, String underlay) {
    return "link add " + vxlan + " type vxlan id " + vni + " local " + underlay + " dstport " + PORT
        + " nolearning proxy\n";
  }

  static boolean exists(String link) {
    try (RouteSocket s = RouteSocket.open()) {
      return s.linkIndex(link).isPresent();
    }
  }

  /** True when the existing device carries {@code vni} from {@code underlay} on the standard port. */
  static boolean matches(String vxlan, int vni, String underlay) {
    JsonNode links = IpCommand.json("ip", "-d", "link", "show", "dev", vxlan);
    JsonNode data = links.path(0).path("linkinfo").path("info_data");
    return data.path("id").asInt(-1) == vni && underlay.equals(data.path("local").asText())
        && data.path("port").asInt(PORT) == PORT;
  }

  /** Deletes the VXLAN device (its forwarding and neighbour entries go with it); false when there was none. */
  static boolean delete(String vxlan) {
    try (RouteSocket s = RouteSocket.open()) {
      return s.deleteLink(vxlan);
    }
  }
}
