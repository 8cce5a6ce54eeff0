package io.berth.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge network against the real kernel: namespaces, veths, nftables, and real traffic
 * between a busybox server in one namespace and clients on the host and in another namespace.
 * Runs as root with its own bridge, table and subnet so it can run beside a real daemon; only
 * local addresses are ever contacted.
 */
class LinuxBridgeNetworkTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir Path state;
  @TempDir Path www;
  private String bridge;
  private String table;
  private String foreignTable;
  private int octet;
  private LinuxBridgeNetwork net;
  private Sandboxes sandboxes;
  private final List<String> ids = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void setUp() {
    assumeTrue(Files.isWritable(Path.of("/proc/sys/net/ipv4/ip_forward")), "needs root (writes /proc/sys)");
    String r = HexFormat.of().formatHex(RANDOM.generateSeed(3));
    bridge = "bt" + r;
    table = "bt_" + r;
    foreignTable = "bf_" + r;
    octet = 1 + RANDOM.nextInt(254);
    sandboxes = new Sandboxes(bridge);
    net = open(state, bridge);
    net.init();
  }

  private LinuxBridgeNetwork open(Path dir, String bridgeName) {
    return LinuxBridgeNetwork.open(dir, bridgeName, "10.213." + octet + ".1/24", table,
        new LinuxBridgeNetwork.Options(sandboxes, false, null, List.of(), new PortLedger()));
  }

  private void disconnect(String id) {
    net.detach(id);
    sandboxes.delete(id);
  }

  @AfterEach
  void tearDown() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (String id : ids) {
      try {
        disconnect(id);
      } catch (RuntimeException e) {
        // keep cleaning
      }
    }
    if (net != null) {
      net.delete();
    }
    HostCommand.run(List.of("nft", "delete", "table", "inet", foreignTable), null);
  }

  private Endpoint connect() {
    String id = HexFormat.of().formatHex(RANDOM.generateSeed(32));
    ids.add(id);
    return net.attach(id, Attach.primary(null));
  }

  private static String ns(Endpoint ep) {
    return Path.of(ep.netnsPath()).getFileName().toString();
  }

  private static HostCommand.Result inNs(Endpoint ep, String... cmd) {
    List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns(ep)));
    c.addAll(List.of(cmd));
    return HostCommand.run(c, null);
  }

  /** Serves a page naming the endpoint on port 8080 and waits until it answers inside the namespace. */
  private String serveHttp(Endpoint ep) throws Exception {
    Path dir = Files.createDirectories(www.resolve(ep.containerId()));
    String token = "hello from " + ep.containerId();
    Files.writeString(dir.resolve("index.html"), token);
    processes.add(new ProcessBuilder("ip", "netns", "exec", ns(ep), "busybox", "httpd", "-f", "-p", "8080",
        "-h", dir.toString()).redirectErrorStream(true).start());
    for (int i = 0; i < 100; i++) {
      if (inNs(ep, "timeout", "5", "busybox", "wget", "-q", "-O", "-", "http://127.0.0.1:8080/").out().contains(token)) {
        return token;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("busybox httpd did not start in " + ns(ep));
  }

  private static String httpGet(String host, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 5000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String hostIp() {
    // a route lookup only: nothing is sent to the (unreachable) address
    String ip = IpCommand.routeSource("198.51.100.1");
    assumeTrue(ip != null && !ip.startsWith("127."), "host has no primary address");
    return ip;
  }

  @Test
  void endpointsReachEachOtherAndTheGateway() {
    Endpoint a = connect();
    Endpoint b = connect();
    assertThat(a.ip()).startsWith("10.213." + octet + ".").isNotEqualTo(b.ip());
    assertThat(a.prefixLength()).isEqualTo(24);
    assertThat(a.gateway()).isEqualTo("10.213." + octet + ".1");
    assertThat(a.mac()).isEqualTo(LinuxBridgeNetwork.mac(a.ip()));
    assertThat(a.hostVeth()).hasSizeLessThanOrEqualTo(15);
    assertThat(Path.of(a.netnsPath())).exists();
    assertThat(HostCommand.check(List.of("ip", "link", "show", "dev", a.hostVeth()), null))
        .contains("master " + bridge).contains("state UP");
    assertThat(inNs(a, "ip", "-o", "addr", "show", "dev", "eth0").out()).contains(a.ip() + "/24");

    assertThat(inNs(a, "busybox", "ping", "-c", "1", "-W", "3", b.ip()).exit()).isZero();
    assertThat(inNs(a, "busybox", "ping", "-c", "1", "-W", "3", a.gateway()).exit()).isZero();
    assertThat(net.attach(a.containerId(), Attach.primary(null))).isEqualTo(a);
  }

  @Test
  void publishedPortAnswersOnLocalhostHostAddressAndFromOtherContainers() throws Exception {
    Endpoint a = connect();
    Endpoint b = connect();
    String token = serveHttp(a);
    List<PortBinding> got = net.publish(a.containerId(), List.of(new PortBinding("", 0, 8080, "tcp")));
    int port = got.getFirst().hostPort();
    int[] range = HostPorts.ephemeralRange();
    assertThat(port).isBetween(range[0], range[1]);

    assertThat(httpGet("127.0.0.1", port)).contains(token);
    String hostIp = hostIp();
    assertThat(httpGet(hostIp, port)).contains(token);
    // hairpin: another container, and the serving container itself, through the host address
    assertThat(inNs(b, "timeout", "5", "busybox", "wget", "-q", "-O", "-", "http://" + hostIp + ":" + port + "/").out())
        .contains(token);
    assertThat(inNs(a, "timeout", "5", "busybox", "wget", "-q", "-O", "-", "http://" + hostIp + ":" + port + "/").out())
        .contains(token);
  }

  @Test
  void udpPortIsPublishedOnLocalhost() throws Exception {
    Endpoint a = connect();
    // busybox nc has no UDP mode; a one-file Java receiver in the namespace does the job
    Path src = www.resolve("UdpOnce.java");
    Files.writeString(src, """
        void main(String[] args) throws Exception {
          try (var s = new java.net.DatagramSocket(Integer.parseInt(args[0]))) {
            System.out.println("ready");
            var p = new java.net.DatagramPacket(new byte[512], 512);
            s.receive(p);
            System.out.println(new String(p.getData(), 0, p.getLength()));
          }
        }
        """);
    Path received = www.resolve("udp.out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    processes.add(new ProcessBuilder("ip", "netns", "exec", ns(a), java, src.toString(), "5353")
        .redirectErrorStream(true).redirectOutput(received.toFile()).start());
    int port = net.publish(a.containerId(), List.of(new PortBinding("127.0.0.1", 0, 5353, "udp"))).getFirst().hostPort();
    for (int i = 0; i < 400 && !Files.readString(received).contains("ready"); i++) {
      Thread.sleep(50);
    }
    try (DatagramSocket s = new DatagramSocket()) {
      byte[] msg = "ping-udp".getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 100 && !Files.readString(received).contains("ping-udp"); i++) {
        s.send(new DatagramPacket(msg, msg.length, InetAddress.getByName("127.0.0.1"), port));
        Thread.sleep(50);
      }
    }
    assertThat(Files.readString(received)).contains("ping-udp");
  }

  @Test
  void refusesPortsBoundOnTheHostOrPublishedByAnotherContainer() throws Exception {
    Endpoint a = connect();
    Endpoint b = connect();
    try (ServerSocket taken = new ServerSocket(0)) {
      int p = taken.getLocalPort();
      assertThatThrownBy(() -> net.publish(a.containerId(), List.of(new PortBinding("", p, 80, "tcp"))))
          .isInstanceOf(ConflictException.class)
          .hasMessage("Bind for 0.0.0.0:" + p + " failed: port is already allocated");
    }
    int mine = net.publish(a.containerId(), List.of(new PortBinding("", 0, 80, "tcp"))).getFirst().hostPort();
    assertThatThrownBy(() -> net.publish(b.containerId(), List.of(new PortBinding("127.0.0.1", mine, 80, "tcp"))))
        .isInstanceOf(ConflictException.class)
        .hasMessage("Bind for 127.0.0.1:" + mine + " failed: port is already allocated");
    // the same number over udp is a different port
    assertThat(net.publish(b.containerId(), List.of(new PortBinding("", mine, 80, "udp")))).hasSize(1);
    // publishing the same ports again for the same container is not a conflict
    assertThat(net.publish(a.containerId(), List.of(new PortBinding("", mine, 80, "tcp"))).getFirst().hostPort()).isEqualTo(mine);
    assertThatThrownBy(() -> net.publish(b.containerId(), List.of(new PortBinding("", 0, 80, "sctp"))))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> net.publish(b.containerId(), List.of(new PortBinding("10.213." + octet + ".200", 0, 80, "tcp"))))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void disconnectLeavesNothingBehind() {
    Endpoint a = connect();
    Endpoint b = connect();
    int port = net.publish(a.containerId(), List.of(new PortBinding("", 0, 80, "tcp"))).getFirst().hostPort();
    net.publish(b.containerId(), List.of(new PortBinding("", 0, 81, "tcp")));
    String tag = NatRules.comment(a.containerId());
    assertThat(Nft.listTable("ip", table)).contains(tag).contains(a.ip() + ":80");

    disconnect(a.containerId());
    assertThat(IpWitness.linkExists(a.hostVeth())).isFalse();
    assertThat(Path.of(a.netnsPath())).doesNotExist();
    String rules = Nft.listTable("ip", table);
    assertThat(rules).doesNotContain(tag).doesNotContain(a.ip() + ":").doesNotContain("dport " + port + " ")
        .contains(NatRules.comment(b.containerId()));
    disconnect(a.containerId()); // idempotent
    assertThat(net.attach(a.containerId(), Attach.primary(a.ip())).ip()).isEqualTo(a.ip()); // the address was freed
  }

  @Test
  void outboundNatAndLocalhostSettingsAreInPlace() {
    String rules = Nft.listTable("ip", table);
    assertThat(rules).contains("ip saddr 10.213." + octet + ".0/24 oifname != \"" + bridge + "\" masquerade")
        .contains("oifname \"" + bridge + "\" ip saddr 127.0.0.0/8 masquerade");
    assertThat(Sysctl.get("net/ipv4/ip_forward")).isEqualTo("1");
    assertThat(Sysctl.get("net/ipv4/conf/" + bridge + "/route_localnet")).isEqualTo("1");
  }

  @Test
  void restartRebuildsTheSameRulesWithoutDuplicates() throws Exception {
    Endpoint a = connect();
    String token = serveHttp(a);
    List<PortBinding> ports = net.publish(a.containerId(), List.of(new PortBinding("", 0, 8080, "tcp")));
    String before = Nft.listTable("ip", table);

    // a new daemon process: same state directory; init() adopts the endpoints the network saved
    net = open(state, bridge);
    net.init();
    net.init();
    // the saved state alone rebuilds the published ports, before the daemon restores anything
    assertThat(stripHandles(Nft.listTable("ip", table))).isEqualTo(stripHandles(before));
    assertThat(net.endpoint(a.containerId())).contains(a);
    assertThat(net.published(a.containerId())).isEqualTo(ports);
    String after = Nft.listTable("ip", table);
    assertThat(stripHandles(after)).isEqualTo(stripHandles(before));
    assertThat(after.split(NatRules.comment(a.containerId()), -1)).hasSize(2);
    assertThat(httpGet("127.0.0.1", ports.getFirst().hostPort())).contains(token);
    assertThat(connect().ip()).isNotEqualTo(a.ip());
  }

  private static String stripHandles(String s) {
    return s.replaceAll(" # handle \\d+", "");
  }

  @Test
  void foreignForwardChainThatDropsOurBridgeIsOpenedAndRestoredOnDestroy() throws Exception {
    Endpoint a = connect();
    Endpoint b = connect();
    // stands for dockerd's FORWARD policy drop, but only for this test's bridge
    Nft.apply("table inet " + foreignTable + " {\n chain forward {\n  type filter hook forward priority 0; policy accept;\n"
        + "  iifname \"" + bridge + "\" drop\n  oifname \"" + bridge + "\" drop\n }\n}\n");
    net.init();
    String foreign = Nft.listTable("inet", foreignTable);
    assertThat(foreign).contains("comment \"" + ForeignForward.tag(bridge) + "\"");
    assertThat(foreign.indexOf("accept")).isLessThan(foreign.indexOf("drop"));

    String token = serveHttp(a);
    int port = net.publish(a.containerId(), List.of(new PortBinding("", 0, 8080, "tcp"))).getFirst().hostPort();
    assertThat(inNs(b, "timeout", "5", "busybox", "wget", "-q", "-O", "-", "http://" + hostIp() + ":" + port + "/").out())
        .contains(token);

    net.delete();
    assertThat(Nft.listTable("inet", foreignTable)).doesNotContain(ForeignForward.tag(bridge)).contains("drop");
  }

  @Test
  void failedConnectRollsBackEverything() {
    // a network whose bridge was never created: connect fails after making the namespace
    String missing = bridge + "x";
    LinuxBridgeNetwork broken = open(state.resolve("broken"), missing);
    String id = HexFormat.of().formatHex(RANDOM.generateSeed(32));
    assertThatThrownBy(() -> broken.attach(id, Attach.primary(null)))
        .isInstanceOf(io.berth.errdefs.UnavailableException.class)
        .hasMessage("netlink: bridge " + missing + " does not exist (deleted while berthd runs? restarting berthd creates it)");
    assertThat(IpWitness.linkExists(LinuxBridgeNetwork.veth("vb", missing, id))).isFalse();
    assertThat(Path.of("/run/netns/berth-" + missing + "-" + id.substring(0, 12))).doesNotExist();
    assertThat(new Ipam("10.213." + octet + ".1/24", state.resolve("broken").resolve("ipam-" + missing + ".json"))
        .allocations()).isEmpty();
  }

  @Test
  void connectFailingAfterTheVethRemovesItAndKeepsTheNamespaceItDidNotMake() {
    // a default route already in the namespace: the veth and address are made, the route is refused
    String id = HexFormat.of().formatHex(RANDOM.generateSeed(32));
    ids.add(id);
    String ns = Path.of(sandboxes.create(id)).getFileName().toString();
    HostCommand.check(List.of("ip", "-n", ns, "-batch", "-"),
        "link add d0 type veth peer name d1\nlink set d1 up\nlink set d0 up\naddr add 192.0.2.2/24 dev d0\nroute add default via 192.0.2.1\n");
    String hostVeth = LinuxBridgeNetwork.veth("vb", bridge, id);
    assertThatThrownBy(() -> net.attach(id, Attach.primary(null)))
        .isInstanceOf(io.berth.errdefs.AlreadyExistsException.class)
        .hasMessage("netlink: adding default route via 10.213." + octet + ".1 dev eth0: File exists");
    assertThat(IpWitness.linkExists(hostVeth)).isFalse();
    assertThat(HostCommand.run(List.of("ip", "-n", ns, "link", "show", "eth0"), null).exit()).isNotZero();
    assertThat(Path.of("/run/netns", ns)).exists();
    assertThat(new Ipam("10.213." + octet + ".1/24", state.resolve("ipam-" + bridge + ".json")).allocations()).isEmpty();
  }

  @Test
  void aPeerNameTakenInTheNamespaceIsReportedWithTheKernelsReason() {
    String id = HexFormat.of().formatHex(RANDOM.generateSeed(32));
    ids.add(id);
    String ns = Path.of(sandboxes.create(id)).getFileName().toString();
    HostCommand.check(List.of("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "other0"), null);
    String hostVeth = LinuxBridgeNetwork.veth("vb", bridge, id);
    assertThatThrownBy(() -> net.attach(id, Attach.primary(null)))
        .isInstanceOf(io.berth.errdefs.AlreadyExistsException.class)
        .hasMessage("netlink: adding veth " + hostVeth + " (peer eth0 in " + ns + "): File exists");
    assertThat(IpWitness.linkExists(hostVeth)).isFalse();
  }

  @Test
  void leftoversOfACrashedRunAreReplaced() {
    String id = HexFormat.of().formatHex(RANDOM.generateSeed(32));
    ids.add(id);
    String ns = "berth-" + bridge + "-" + id.substring(0, 12);
    // what a crash leaves: the namespace (made by ip, as older berthds did) with an interface in
    // it, and a host veth of the same name whose peer sits in the host namespace
    HostCommand.check(List.of("ip", "netns", "add", ns), null);
    HostCommand.check(List.of("ip", "-n", ns, "link", "add", "stale0", "type", "veth", "peer", "name", "stale1"), null);
    String hostVeth = LinuxBridgeNetwork.veth("vb", bridge, id);
    HostCommand.check(List.of("ip", "link", "add", hostVeth, "type", "veth", "peer", "name", "vq" + id.substring(0, 12)), null);

    assertThat(sandboxes.create(id)).isEqualTo("/run/netns/" + ns);
    assertThat(HostCommand.run(List.of("ip", "-n", ns, "link", "show", "stale0"), null).exit()).isNotZero();
    Endpoint a = net.attach(id, Attach.primary(null));
    assertThat(HostCommand.check(List.of("ip", "link", "show", "dev", hostVeth), null)).contains("master " + bridge);
    assertThat(IpWitness.linkExists("vq" + id.substring(0, 12))).isFalse();
    assertThat(inNs(a, "ip", "-o", "addr", "show", "dev", "eth0").out()).contains(a.ip() + "/24");
    assertThat(HostCommand.check(List.of("ip", "netns", "list"), null)).contains(ns);
  }

  @Test
  void vethIsBridgedInHairpinModeAndTheContainerSideIsComplete() {
    Endpoint a = connect();
    String link = HostCommand.check(List.of("ip", "-d", "link", "show", "dev", a.hostVeth()), null);
    assertThat(link).contains("master " + bridge).contains("hairpin on").contains("veth");
    assertThat(HostCommand.check(List.of("bridge", "-d", "link", "show", "dev", a.hostVeth()), null)).contains("hairpin on");
    assertThat(inNs(a, "ip", "link", "show", "dev", "eth0").out()).contains("link/ether " + a.mac()).contains(",UP");
    assertThat(inNs(a, "ip", "link", "show", "dev", "lo").out()).contains(",UP");
    assertThat(inNs(a, "ip", "route").out()).contains("default via " + a.gateway() + " dev eth0");
  }

  @Test
  void destroyRemovesTableAndBridge() {
    connect();
    net.delete();
    assertThat(Nft.tableExists("ip", table)).isFalse();
    assertThat(IpWitness.linkExists(bridge)).isFalse();
  }
}
