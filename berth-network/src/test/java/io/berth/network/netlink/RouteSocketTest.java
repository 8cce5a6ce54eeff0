package io.berth.network.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.UnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rtnetlink client against the real kernel (root only), on a bridge, veth and namespace of
 * its own; iproute2 checks the result. Only a test subnet of 10.216/16 is configured and
 * nothing is sent anywhere.
 */
class RouteSocketTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private String bridge;
  private String veth;
  private String ns;
  private Path nsPath;
  private int octet;

  @BeforeEach
  void setUp() {
    assumeTrue(Files.isWritable(Path.of("/proc/sys/net/ipv4/ip_forward")), "needs root");
    String r = HexFormat.of().formatHex(RANDOM.generateSeed(3));
    bridge = "nb" + r;
    veth = "nv" + r;
    ns = "nlt-" + r;
    octet = RANDOM.nextInt(256);
    Sh.check("ip", "link", "add", bridge, "type", "bridge");
    Sh.check("ip", "link", "set", bridge, "up");
    nsPath = NetNamespaces.create(ns);
  }

  @AfterEach
  void tearDown() {
    Sh.run("ip", "link", "del", veth);
    Sh.run("ip", "link", "del", bridge);
    Sh.run("ip", "netns", "del", ns);
  }

  private static int ip(int a, int b, int c, int d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
  }

  @Test
  void vethIntoANamespaceWithAddressAndRoute() {
    try (RouteSocket host = RouteSocket.open()) {
      host.addBridgedVeth(veth, bridge, "eth0", "02:42:0a:d8:00:02", nsPath);
    }
    String link = Sh.check("ip", "-d", "link", "show", "dev", veth);
    assertThat(link).contains("master " + bridge).contains("veth").contains("hairpin on").contains("BROADCAST,MULTICAST,UP>");
    assertThat(Sh.check("bridge", "-d", "link", "show", "dev", veth)).contains("hairpin on");
    assertThat(Sh.check("ip", "-n", ns, "link", "show", "dev", "eth0")).contains("link/ether 02:42:0a:d8:00:02");

    try (RouteSocket inside = RouteSocket.openIn(nsPath)) {
      inside.configure("eth0", ip(10, 216, octet, 2), 24, OptionalInt.of(ip(10, 216, octet, 1)));
    }
    assertThat(Sh.check("ip", "-n", ns, "link", "show", "dev", "eth0")).contains(",UP").contains("state UP");
    assertThat(Sh.check("ip", "-n", ns, "-o", "-4", "addr", "show", "dev", "eth0")).contains("inet 10.216." + octet + ".2/24");
    String routes = Sh.check("ip", "-n", ns, "route");
    assertThat(routes).contains("default via 10.216." + octet + ".1 dev eth0")
        .contains("10.216." + octet + ".0/24 dev eth0 proto kernel scope link src 10.216." + octet + ".2");
    assertThat(Sh.check("ip", "-n", ns, "link", "show", "dev", "lo")).contains("UP");

    try (RouteSocket host = RouteSocket.open()) {
      assertThat(host.linkIndex(veth)).isPresent();
      assertThat(host.deleteLink(veth)).isTrue();
      assertThat(host.deleteLink(veth)).isFalse();
      assertThat(host.linkIndex(veth)).isEmpty();
    }
    // the peer went with it
    assertThat(Sh.run("ip", "-n", ns, "link", "show", "dev", "eth0").exit()).isNotZero();
  }

  @Test
  void noDefaultRouteWhenThereIsNoGateway() {
    try (RouteSocket host = RouteSocket.open()) {
      host.addBridgedVeth(veth, bridge, "eth1", "02:42:0a:d8:00:03", nsPath);
    }
    try (RouteSocket inside = RouteSocket.openIn(nsPath)) {
      inside.configure("eth1", ip(10, 216, octet, 3), 24, OptionalInt.empty());
    }
    assertThat(Sh.check("ip", "-n", ns, "route")).doesNotContain("default").contains("dev eth1");
  }

  @Test
  void refusalsNameTheOperationAndTheKernelsReason() {
    try (RouteSocket host = RouteSocket.open()) {
      host.addBridgedVeth(veth, bridge, "eth0", "02:42:0a:d8:00:02", nsPath);
      assertThatThrownBy(() -> host.addBridgedVeth(veth, bridge, "eth0", "02:42:0a:d8:00:02", nsPath))
          .isInstanceOf(AlreadyExistsException.class)
          .hasMessage("netlink: adding veth " + veth + " (peer eth0 in " + ns + "): File exists");
      assertThatThrownBy(() -> host.addBridgedVeth(veth + "x", bridge + "x", "eth1", "02:42:0a:d8:00:04", nsPath))
          .isInstanceOf(UnavailableException.class).hasMessageContaining("bridge " + bridge + "x does not exist");
    }
    try (RouteSocket inside = RouteSocket.openIn(nsPath)) {
      inside.configure("eth0", ip(10, 216, octet, 2), 24, OptionalInt.empty());
      assertThatThrownBy(() -> inside.configure("eth0", ip(10, 216, octet, 2), 24, OptionalInt.empty()))
          .isInstanceOf(AlreadyExistsException.class)
          // with the kernel's own words when it gives some
          .hasMessage("netlink: adding address 10.216." + octet + ".2/24 to eth0: File exists (ipv4: Address already assigned)");
      assertThatThrownBy(() -> inside.deleteLink("lo"))
          .isInstanceOf(UnavailableException.class)
          .hasMessageStartingWith("netlink: deleting link lo: Operation not supported");
    }
  }

  @Test
  void everyRequestOfABatchIsAnsweredInOrderEvenAfterARefusal() {
    try (RouteSocket inside = RouteSocket.openIn(nsPath)) {
      List<RouteSocket.Answer> answers = inside.exchange(List.of(RtRequests.linkUp("lo"),
          RtRequests.addAddress(999_999, RouteSocket.bytes(ip(10, 216, octet, 9)), 24, "nothing"),
          RtRequests.getLink("lo")));
      assertThat(answers).extracting(a -> a.ack().errno()).containsExactly(0, 19, 0);
      assertThat(answers.get(2).ifIndex()).isEqualTo(1);
      assertThat(answers.get(1).what()).isEqualTo("adding address 10.216." + octet + ".9/24 to nothing");
      // the socket stays usable: nothing of the batch is left to read
      assertThat(inside.linkIndex("lo")).hasValue(1);
    }
  }
}
