package io.berth.network.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.berth.network.Attach;
import io.berth.network.Endpoint;
import io.berth.network.IpCommand;
import io.berth.network.NetworkSpec;
import io.berth.network.PortBinding;
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

    // host-mode publishing: node 2's own address, DNAT'ed to its endpoint, client kept
    nodes.on(2, () -> a2.publish(c2.containerId(), List.of(new PortBinding("", 17000, 7000, "tcp"))));
    assertThat(Traffic.ask(nodes.switchPath(), u(2), 17000)).isEqualTo("c2 10.214." + nodes.r + ".1");

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
  /** Creates {@code spec} on every node, with the given endpoints (node, address), and programs everyone's peers. */
  private record Cluster(List<OverlayNetwork> nets, List<Endpoint> endpoints, List<Integer> homes) {}

  private Cluster cluster(NetworkSpec spec, int[] homes, String[] ips, Map<Integer, String> nodeAddresses) {
    List<OverlayNetwork> nets = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      nets.add(create(n, spec));
    }
    List<Endpoint> eps = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (int k = 0; k < homes.length; k++) {
      eps.add(attach(homes[k], nets.get(homes[k] - 1), ips[k]));
      at.add(homes[k]);
    }
    for (int n = 1; n <= 3; n++) {
      List<OverlayPeer> peers = new ArrayList<>();
      for (int k = 0; k < eps.size(); k++) {
        if (at.get(k) != n) {
          peers.add(OverlayPeer.endpoint(eps.get(k).ip(), u(at.get(k))));
        }
      }
      for (Map.Entry<Integer, String> e : nodeAddresses.entrySet()) {
        if (e.getKey() != n) {
          peers.add(OverlayPeer.node(e.getValue(), u(e.getKey())));
        }
      }
      peers(n, nets.get(n - 1), peers);
    }
    return new Cluster(nets, eps, at);
  }

  /** Who answered {@code count} connections: the first word of each greeting. */
  private static Map<String, Integer> tally(int count, java.util.function.Supplier<String> ask) {
    Map<String, Integer> out = new java.util.TreeMap<>();
    for (int k = 0; k < count; k++) {
      out.merge(ask.get(), 1, Integer::sum);
    }
    return out;
  }

  @Test
  void virtualIpBalancesOverBackendsOnTwoNodesInTheClientsNamespace() {
    String a = "10.215." + nodes.r;
    Cluster c = cluster(spec(4201, a), new int[] {1, 2, 3}, new String[] {a + ".11", a + ".22", a + ".33"}, Map.of());
    Endpoint client = c.endpoints().get(0);
    Endpoint s2 = c.endpoints().get(1);
    Endpoint s3 = c.endpoints().get(2);
    traffic.tcpServer(ns(s2), 8080, "s2");
    traffic.tcpServer(ns(s3), 8080, "s3");
    traffic.udpServer(ns(s2), 5300, "s2");
    String vip = a + ".100";
    ServiceBalancer lb = new ServiceBalancer();
    List<ServicePort> ports = List.of(new ServicePort("tcp", 80, 8080), new ServicePort("udp", 53, 5300));
    lb.apply(client.netnsPath(), List.of(new VirtualService(vip, ports, List.of(s2.ip(), s3.ip()))));

    // the client's address is kept: the backend sees the client itself
    assertThat(tally(8, () -> Traffic.ask(ns(client), vip, 80)))
        .isEqualTo(Map.of("s2 " + client.ip(), 4, "s3 " + client.ip(), 4));
    // the VIP has no owner: nothing ever answered ARP for it
    assertThat(FakeNodes.sh("nsenter", "--net=" + client.netnsPath(), "ip", "neigh", "show")).doesNotContain(vip + " ");

    // one backend gone: no traffic for it; UDP too
    lb.apply(client.netnsPath(), List.of(new VirtualService(vip, ports, List.of(s2.ip()))));
    assertThat(tally(5, () -> Traffic.ask(ns(client), vip, 80))).isEqualTo(Map.of("s2 " + client.ip(), 5));
    assertThat(Traffic.askUdp(ns(client), vip, 53)).isEqualTo("s2 " + client.ip());

    // no backends at all: refused at once, not left to time out; an unknown port the same
    lb.apply(client.netnsPath(), List.of(new VirtualService(vip, ports, List.of())));
    assertThat(Traffic.ask(ns(client), vip, 80)).contains("Connection refused");
    lb.apply(client.netnsPath(), List.of(new VirtualService(vip, ports, List.of(s2.ip()))));
    assertThat(Traffic.ask(ns(client), vip, 81)).contains("Connection refused");
    lb.clear(client.netnsPath());
    assertThat(FakeNodes.status("nsenter", "--net=" + client.netnsPath(), "nft", "list", "table", "ip",
        ServiceBalancer.TABLE)).isNotZero();
  }

  @Test
  void leastConnectionsSendsNewConnectionsToTheBackendWithFewerLiveOnesCountedInTheClientsConntrack() {
    String a = "10.215." + nodes.r;
    Cluster c = cluster(spec(4201, a), new int[] {1, 2, 3}, new String[] {a + ".11", a + ".22", a + ".33"}, Map.of());
    Endpoint client = c.endpoints().get(0);
    traffic.tcpServer(ns(c.endpoints().get(1)), 8080, "s2");
    traffic.tcpServer(ns(c.endpoints().get(2)), 8080, "s3");
    String vip = a + ".100";
    String s2 = "s2 " + client.ip();
    String s3 = "s3 " + client.ip();
    LeastConnections lc = new LeastConnections(new ServiceBalancer(), io.berth.network.Conntrack::liveByReplySource,
        false);
    lc.sandbox(client.netnsPath(), List.of(new VirtualService(vip, List.of(new ServicePort("tcp", 80, 8080)),
        List.of(c.endpoints().get(1).ip(), c.endpoints().get(2).ip()), Balancing.LEAST_CONNECTIONS)));

    // three held connections, round robin before any count: two on one backend, one on the other
    List<Traffic.Conversation> held = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      held.add(traffic.connect(ns(client), vip, 80));
    }
    long onS2 = held.stream().filter(h -> h.greeting.equals(s2)).count();
    assertThat(onS2).isIn(1L, 2L);
    String busy = onS2 == 2 ? s2 : s3;
    String idle = busy.equals(s2) ? s3 : s2;
    lc.tick();
    assertThat(tally(4, () -> Traffic.ask(ns(client), vip, 80))).as("all to the one with fewer").isEqualTo(Map.of(idle, 4));

    // the busy one's connections closed: now it has fewer, and takes the new ones
    held.stream().filter(h -> h.greeting.equals(busy)).forEach(Traffic.Conversation::close);
    lc.tick();
    assertThat(tally(4, () -> Traffic.ask(ns(client), vip, 80))).isEqualTo(Map.of(busy, 4));

    // all closed: a tie, round robin over both again
    held.forEach(Traffic.Conversation::close);
    lc.tick();
    assertThat(tally(4, () -> Traffic.ask(ns(client), vip, 80))).isEqualTo(Map.of(s2, 2, s3, 2));
  }

  @Test
  void routingMeshAnswersOnEveryNodeAndKeepsTheClientForLocalTasks() {
    String g = "10.217." + nodes.r;
    Map<Integer, String> ingressAddresses = Map.of(1, g + ".201", 2, g + ".202", 3, g + ".203");
    Cluster c = cluster(spec(4301, g), new int[] {2, 3}, new String[] {g + ".22", g + ".33"}, ingressAddresses);
    Endpoint b2 = c.endpoints().get(0);
    Endpoint b3 = c.endpoints().get(1);
    for (Endpoint b : List.of(b2, b3)) {
      String name = b == b2 ? "b2" : "b3";
      traffic.tcpServer(ns(b), 80, name);
      traffic.udpServer(ns(b), 53, name);
    }
    for (int n = 1; n <= 3; n++) {
      int node = n;
      RoutingMesh mesh = new RoutingMesh(c.nets().get(n - 1), "bov2_" + nodes.tag + "_mesh");
      UntrackedUnderlay untracked = new UntrackedUnderlay("bov2_" + nodes.tag + "_vxlan");
      List<MeshBackend> backends = List.of(new MeshBackend(b2.ip(), node == 2), new MeshBackend(b3.ip(), node == 3));
      nodes.on(n, () -> {
        untracked.apply(u(node));
        mesh.apply(ingressAddresses.get(node), List.of(
            new MeshService("web", List.of(new MeshPort("tcp", 8080, 80), new MeshPort("udp", 5353, 53)), backends),
            new MeshService("idle", List.of(new MeshPort("tcp", 8081, 80)), List.of())));
        return null;
      });
    }
    Path outside = nodes.switchPath();
    String client = "10.214." + nodes.r + ".1";
    // node 1 has no task: both remote tasks answer, each seeing node 1's ingress address
    assertThat(tally(6, () -> Traffic.ask(outside, u(1), 8080)))
        .isEqualTo(Map.of("b2 " + g + ".201", 3, "b3 " + g + ".201", 3));
    // node 2: its own task sees the client; the remote one sees node 2
    assertThat(tally(6, () -> Traffic.ask(outside, u(2), 8080)))
        .isEqualTo(Map.of("b2 " + client, 3, "b3 " + g + ".202", 3));
    // the node itself, to its own address and to loopback
    assertThat(nodes.on(1, () -> Traffic.ask(nodes.node(1).path(), u(1), 8080))).startsWith("b");
    assertThat(nodes.on(1, () -> tally(2, () -> Traffic.ask(nodes.node(1).path(), "127.0.0.1", 8080)).keySet()))
        .allMatch(k -> k.equals("b2 " + g + ".201") || k.equals("b3 " + g + ".201"));
    // UDP through the mesh
    assertThat(Traffic.askUdp(outside, u(3), 5353)).isIn("b3 " + client, "b2 " + g + ".203");
    // a service without tasks is refused, not left to host sockets or timeouts
    assertThat(Traffic.ask(outside, u(1), 8081)).contains("Connection refused");
    // conntrack tracks the mesh's connections on node 1, not the VXLAN packets carrying them
    assertThat(conntrack(1, "tcp", 8080)).isNotEmpty();
    assertThat(conntrack(1, "udp", VxlanDevice.PORT)).isEmpty();
  }

  /** Node {@code node}'s conntrack entries of {@code protocol} to port {@code port}. */
  private List<String> conntrack(int node, String protocol, int port) {
    return FakeNodes.sh("nsenter", "--net=" + nodes.node(node).path(), "conntrack", "-L", "-p", protocol, "--dport",
        Integer.toString(port)).lines().filter(l -> l.startsWith(protocol + " ")).toList();
  }

  @Test
  void restoreAdoptsTheDataPathWithoutBreakingARunningConnection() {
    String a = "10.215." + nodes.r;
    NetworkSpec spec = spec(4401, a);
    Cluster c = cluster(spec, new int[] {1, 2}, new String[] {a + ".11", a + ".12"}, Map.of());
    Endpoint c1 = c.endpoints().get(0);
    Endpoint c2 = c.endpoints().get(1);
    traffic.tcpServer(ns(c2), 7000, "c2");
    Traffic.Conversation talk = traffic.connect(ns(c1), c2.ip(), 7000);
    assertThat(talk.greeting).isEqualTo("c2 " + c1.ip());
    assertThat(talk.say("one")).isEqualTo("echo one");
    String before = FakeNodes.sh("ip", "-n", nodes.node(1).netns(), "-o", "link", "show", c.nets().get(0).vxlanName());

    // a restarted daemon: new driver objects over the same state and kernel
    FakeNodes.Node n1 = nodes.node(1);
    OverlayDriver again = nodes.driver(n1.state(), n1.sandboxes(), n1.underlay());
    var restored = nodes.on(1, () -> again.restore(List.of(spec)));
    assertThat(restored).containsKey(spec.id());
    assertThat(((OverlayNetwork) restored.get(spec.id())).endpoint(c1.containerId())).contains(c1);
    assertThat(FakeNodes.sh("ip", "-n", n1.netns(), "-o", "link", "show", c.nets().get(0).vxlanName()))
        .as("the VXLAN device was adopted, not re-made").isEqualTo(before);
    assertThat(talk.say("two")).isEqualTo("echo two");
    assertThat(Traffic.ask(ns(c1), c2.ip(), 7000)).isEqualTo("c2 " + c1.ip());

    // forgotten networks are cleaned up on restore
    nodes.on(1, () -> again.restore(List.of()));
    assertThat(FakeNodes.status("ip", "-n", n1.netns(), "link", "show", c.nets().get(0).vxlanName())).isNotZero();
    assertThat(FakeNodes.status("ip", "-n", n1.netns(), "link", "show", c.nets().get(0).bridgeName())).isNotZero();
  }
}
