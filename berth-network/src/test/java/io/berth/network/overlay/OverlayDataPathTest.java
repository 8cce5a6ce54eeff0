package io.berth.network.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.berth.network.Attach;
import io.berth.network.Endpoint;
import io.berth.network.IpCommand;
import io.berth.network.NetworkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overlay data path against the real kernel, across fake nodes ({@link FakeNodes}: network
 * namespaces on a switch namespace) whose driver code runs inside their namespaces, with
 * containers as further namespaces and real sockets ({@link Traffic}). Root only; only the
 * test's own namespaces' addresses are contacted.
 */
class OverlayDataPathTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir Path state;
  private FakeNodes nodes;
  private Traffic traffic;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(Files.isWritable(Path.of("/proc/sys/net/ipv4/ip_forward")), "needs root");
    nodes = new FakeNodes(3, state);
    traffic = new Traffic();
  }

  @AfterEach
  void tearDown() {
    if (traffic != null) {
      traffic.close();
    }
    if (nodes != null) {
      nodes.close();
    }
  }

  private NetworkSpec spec(int vni, String net, boolean internal, Map<String, String> extra) {
    Map<String, String> options = new java.util.HashMap<>(extra);
    options.put(OverlayDriver.VNI, Integer.toString(vni));
    String id = HexFormat.of().formatHex(RANDOM.generateSeed(32));
    return new NetworkSpec(id, "ov" + vni, net + ".0/24", net + ".1", null, internal, options);
  }

  private NetworkSpec spec(int vni, String net) {
    return spec(vni, net, false, Map.of());
  }

  private OverlayNetwork create(int node, NetworkSpec spec) {
    return nodes.on(node, () -> nodes.node(node).driver().create(spec));
  }

  private Endpoint attach(int node, OverlayNetwork net, String ip) {
    String id = HexFormat.of().formatHex(RANDOM.generateSeed(32));
    return nodes.on(node, () -> net.attach(id, Attach.primary(ip)));
  }

  private void peers(int node, OverlayNetwork net, List<OverlayPeer> peers) {
    nodes.on(node, () -> {
      net.peers(peers);
      return null;
    });
  }

  private static Path ns(Endpoint e) {
    return Path.of(e.netnsPath());
  }

  private String u(int node) {
    return nodes.node(node).underlay();
  }

  @Test
  void endpointsOnTwoNodesTalkAcrossVxlanAndOverlaysStayApart() {
    String a = "10.215." + nodes.r;
    NetworkSpec specA = spec(4101, a);
    OverlayNetwork a1 = create(1, specA);
    OverlayNetwork a2 = create(2, specA);
    Endpoint c1 = attach(1, a1, a + ".11");
    Endpoint c2 = attach(2, a2, a + ".12");
    peers(1, a1, List.of(OverlayPeer.endpoint(c2.ip(), u(2))));
    peers(2, a2, List.of(OverlayPeer.endpoint(c1.ip(), u(1))));
    // twice: level-triggered, nothing doubled
    peers(2, a2, List.of(OverlayPeer.endpoint(c1.ip(), u(1))));
    assertThat(nodes.on(2, () -> PeerTable.forwarding(a2.vxlanName()))).containsExactly(Map.entry(c1.mac(), u(1)));

    assertThat(c1.mac()).isEqualTo("02:42:0a:d7:" + String.format("%02x", nodes.r) + ":0b");
    assertThat(FakeNodes.sh("nsenter", "--net=" + c1.netnsPath(), "ip", "link", "show", "eth0")).contains("mtu 1450");
    assertThat(Traffic.ping(ns(c1), c2.ip())).as("ping across nodes").isTrue();
    traffic.tcpServer(ns(c2), 7000, "c2");
    assertThat(Traffic.ask(ns(c1), c2.ip(), 7000)).isEqualTo("c2 " + c1.ip());

    // a non-internal overlay leaves through its node-local gateway, masqueraded
    assertThat(Traffic.ping(ns(c1), u(2))).as("way out").isTrue();

    // a second overlay on the same node reaches neither the first's local nor remote endpoints
    String b = "10.216." + nodes.r;
    OverlayNetwork b1 = create(1, spec(4102, b));
    Endpoint c3 = attach(1, b1, b + ".13");
    traffic.tcpServer(ns(c1), 7000, "c1");
    assertThat(Traffic.ask(ns(c3), c1.ip(), 7000)).startsWith("ERROR");
    assertThat(Traffic.ask(ns(c3), c2.ip(), 7000)).startsWith("ERROR");
    assertThat(Traffic.ask(ns(c1), c2.ip(), 7000)).as("still fine inside one overlay").startsWith("c2 ");

    // internal: no default route, no way out, nothing on the node answers
    String i = "10.218." + nodes.r;
    OverlayNetwork i1 = create(1, spec(4103, i, true, Map.of()));
    Endpoint c4 = attach(1, i1, i + ".14");
    assertThat(c4.gateway()).isEmpty();
    assertThat(FakeNodes.sh("nsenter", "--net=" + c4.netnsPath(), "ip", "route")).doesNotContain("default");
    assertThat(nodes.on(1, () -> IpCommand.ipv4Addresses(i1.bridgeName()))).isEmpty();
    assertThat(Traffic.ping(ns(c4), u(2))).as("internal: no way out").isFalse();

    // peers() without c2: its forwarding and neighbour entries go, and so does the traffic
    peers(1, a1, List.of());
    assertThat(nodes.on(1, () -> PeerTable.forwarding(a1.vxlanName()))).isEmpty();
    assertThat(nodes.on(1, () -> PeerTable.neighbours(a1.vxlanName()))).isEmpty();
    assertThat(Traffic.ask(ns(c1), c2.ip(), 7000)).startsWith("ERROR");
  }
}
