package io.berth.network.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server in a real network namespace, asked by busybox nslookup running inside it; the
 * upstream is a tiny DNS server on the host's loopback, so no outside resolver is needed.
 */
class EmbeddedDnsTest {
  private String ns;
  private EmbeddedDns dns;
  private DatagramSocket upstream;

  private final NameResolver resolver = new NameResolver() {
    @Override
    public Optional<List<Inet4Address>> lookup(String containerId, String name) {
      Map<String, List<String>> names = Map.of("web", List.of("10.200.0.5"),
          "api", List.of("10.200.0.6", "10.200.0.7"), "ghost", List.of());
      return Optional.ofNullable(names.get(name)).map(l -> l.stream().map(EmbeddedDnsTest::v4).toList());
    }

    @Override
    public Optional<String> reverse(String containerId, Inet4Address address) {
      return address.getHostAddress().equals("10.200.0.5") ? Optional.of("web.net1") : Optional.empty();
    }

    @Override
    public boolean mayForward(String containerId) {
      return !containerId.startsWith("closed");
    }
  };

  static Inet4Address v4(String s) {
    try {
      return (Inet4Address) InetAddress.getByName(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(Files.isWritable(Path.of("/proc/sys/net/ipv4/ip_forward")), "needs root");
    ns = "berthdnstest-" + HexFormat.of().formatHex(java.security.SecureRandom.getSeed(3));
    sh("ip", "netns", "add", ns);
    sh("ip", "-n", ns, "link", "set", "lo", "up");
    upstream = upstreamAnswering("192.0.2.99");
    // the test upstream listens on a random port of the host's loopback
    dns = new EmbeddedDns(resolver,
        new Upstreams(List.of(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.getLocalPort()))));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (dns != null) {
      dns.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (ns != null) {
      sh("ip", "netns", "del", ns);
    }
  }

  /** A resolver on a random port of the host's loopback that answers every A query with {@code ip}. */
  private static DatagramSocket upstreamAnswering(String ip) throws IOException {
    DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      byte[] buf = new byte[512];
      while (!server.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          server.receive(p);
          DnsMessage.Query q = DnsMessage.parseQuery(buf, p.getLength());
          byte[] r = DnsMessage.answerA(java.util.Arrays.copyOf(buf, p.getLength()), q, List.of(v4(ip)), true);
          server.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
        } catch (Exception e) {
          // closed
        }
      }
    });
    return server;
  }

  private static String sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  private String nslookup(String name) throws Exception {
    return sh("ip", "netns", "exec", ns, "busybox", "nslookup", name, "127.0.0.11");
  }

  @Test
  void port53StaysTheContainersOwnWhileNamesStillResolve() throws Exception {
    dns.attach("c1", Path.of("/run/netns", ns));
    // a DNS server of the container's own on 0.0.0.0:53, UDP and TCP, as Docker allows
    try (NamespaceSockets.Pair own = NamespaceSockets.open(Path.of("/run/netns", ns),
        new java.net.InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), 53))) {
      assertThat(own.udp().isOpen() && own.tcp().isOpen()).isTrue();
      assertThat(nslookup("web")).as("127.0.0.11:53 still reaches the embedded server").contains("10.200.0.5");
    }
  }

  @Test
  void answersLocalNamesRoundRobinForwardsOthersAndStopsOnDetach() throws Exception {
    dns.attach("c1", Path.of("/run/netns", ns));
    assertThat(nslookup("web")).contains("10.200.0.5");
    assertThat(nslookup("WEB.")).contains("10.200.0.5");
    assertThat(nslookup("api")).contains("10.200.0.6").contains("10.200.0.7");
    // the order changes between answers, so clients taking the first address spread out
    java.util.Set<Boolean> orders = new java.util.HashSet<>();
    for (int i = 0; i < 20 && orders.size() < 2; i++) {
      String out = nslookup("api");
      orders.add(out.indexOf("10.200.0.6") < out.indexOf("10.200.0.7"));
    }
    assertThat(orders).containsExactlyInAnyOrder(true, false);
    assertThat(nslookup("example.org")).contains("192.0.2.99");
    assertThat(nslookup("10.200.0.5")).contains("web.net1");
    // the sockets are inside the namespace only
    assertThat(sh("busybox", "nslookup", "web", "127.0.0.11")).doesNotContain("10.200.0.5");

    dns.detach("c1");
    assertThat(dns.attached("c1")).isFalse();
    assertThat(nslookup("web")).doesNotContain("10.200.0.5");

    // a container's own servers (--dns) get its other names instead of the host's
    DatagramSocket mine = upstreamAnswering("192.0.2.77");
    try {
      dns.attach("c1", Path.of("/run/netns", ns),
          List.of(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), mine.getLocalPort())));
      assertThat(nslookup("example.org")).contains("192.0.2.77").doesNotContain("192.0.2.99");
      assertThat(nslookup("web")).as("container names stay ours").contains("10.200.0.5");
    } finally {
      mine.close();
      dns.detach("c1");
    }
  }

  @Test
  void aContainerWithoutAWayOutGetsNoForwarding() throws Exception {
    dns.attach("closed1", Path.of("/run/netns", ns));
    assertThat(nslookup("web")).contains("10.200.0.5");
    assertThat(nslookup("example.org")).doesNotContain("192.0.2.99");
  }
}
