package io.berth.network.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import io.berth.network.netlink.NetNamespaces;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sealed underlay between two network namespaces joined by a veth pair, against the real
 * kernel (root only): tuns, routes, UDP, and tcpdump on the veth as the witness of what the
 * network carries.
 */
class SealedUnderlayTest {
  private static final SealKey K1 = SealCryptoTest.key(1, 0x11);
  private static final SealKey K2 = SealCryptoTest.key(2, 0x22);
  private static final SealKey K3 = SealCryptoTest.key(3, 0x33);
  private static final int PORT = SealSpec.DEFAULT_PORT;
  private TwoNodes lab;
  private SealedUnderlay a;
  private SealedUnderlay b;

  @BeforeEach
  void twoNodes() {
    assumeTrue(Files.isWritable(Path.of("/proc/sys/net/ipv4/ip_forward")), "needs root");
    assumeTrue(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
    lab = new TwoNodes();
    a = lab.seal(0, PORT);
    b = lab.seal(1, PORT);
    for (SealedUnderlay u : List.of(a, b)) {
      u.keys(List.of(K1), 1);
    }
  }

  @AfterEach
  void cleanUp() {
    if (lab != null) {
      lab.close();
    }
  }

  private Path node(int i) {
    return TwoNodes.path(lab.nodes[i]);
  }

  private static String marker() {
    return "BERTH-SEAL-MARKER-" + HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(6));
  }

  /** Waits (bounded) for a counter condition; the last counters either way. */
  private static SealCounters await(SealedUnderlay u, Predicate<SealCounters> done) throws InterruptedException {
    for (int i = 0; i < 250 && !done.test(u.counters()); i++) {
      Thread.sleep(20);
    }
    return u.counters();
  }

  @Test
  void pingAndTcpCrossTheSealAndTheTunGoesAtClose() throws Exception {
    assertThat(TwoNodes.in(lab.nodes[0], "ip", "-o", "addr", "show", "dev", TwoNodes.TUN)).contains("inet 100.64.3.1/24");
    assertThat(TwoNodes.in(lab.nodes[0], "ip", "-o", "link", "show", "dev", TwoNodes.TUN))
        .contains("mtu " + a.mtu()).contains(",UP,");
    assertThat(a.mtu()).isEqualTo(1500 - 20 - 8 - 37);
    String ping = TwoNodes.in(lab.nodes[0], "busybox", "ping", "-c", "3", "-W", "3", TwoNodes.TUNNEL[1]);
    assertThat(ping).contains("3 packets received");
    try (Flow f = Flow.start(marker(), node(1), TwoNodes.TUNNEL[1], 5001, node(0), 8 << 20)) {
      assertThat(f.awaitReceived(8 << 20, 30_000)).as("8 MiB through the seal: %s", f.error()).isTrue();
      assertThat(f.finish(10_000)).isNull();
    }
    SealCounters ca = a.counters();
    assertThat(ca.sent()).isGreaterThan(100);
    assertThat(ca.received()).isGreaterThan(3);
    assertThat(ca.droppedAuth() + ca.droppedReplay() + b.counters().droppedAuth() + b.counters().droppedReplay()).isZero();
    assertThat(a.failure()).isEmpty();

    a.close();
    assertThat(TwoNodes.tryIn(lab.nodes[0], "ip", "link", "show", TwoNodes.TUN).exit()).isNotZero();
    assertThat(TwoNodes.in(lab.nodes[0], "ip", "route")).doesNotContain("100.64.3.");
  }

  @Test
  void aSecondUnderlayOnATakenPortFailsAndLeavesNoTun() {
    assertThatThrownBy(() -> SealedUnderlay.openIn(node(0), new SealSpec("bsl3tun2", "100.64.4.1/24",
        new InetSocketAddress(TwoNodes.UNDERLAY[0], PORT))))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("sealed underlay bsl3tun2: listening on /" + TwoNodes.UNDERLAY[0] + ":" + PORT)
        .hasMessageContaining("Address already in use");
    assertThat(TwoNodes.tryIn(lab.nodes[0], "ip", "link", "show", "bsl3tun2").exit()).isNotZero();
    assertThatThrownBy(() -> SealedUnderlay.openIn(node(0), new SealSpec(TwoNodes.TUN, "100.64.4.1/24",
        new InetSocketAddress(TwoNodes.UNDERLAY[0], 0))))
        .isInstanceOf(UnavailableException.class).hasMessageContaining("creating tun " + TwoNodes.TUN);
  }

  @Test
  void peersAreCheckedAgainstTheTunnelSubnet() {
    InetSocketAddress somewhere = new InetSocketAddress("10.213.3.9", PORT);
    assertThatThrownBy(() -> a.peers(List.of(new SealPeer("100.64.9.2", somewhere))))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("seal peer 100.64.9.2 is outside the tunnel subnet 100.64.3.0/24");
    assertThatThrownBy(() -> a.peers(List.of(new SealPeer(TwoNodes.TUNNEL[0], somewhere))))
        .hasMessage("seal peer 100.64.3.1 has this node's own tunnel address");
    assertThatThrownBy(() -> a.peers(List.of(new SealPeer("100.64.3.7", somewhere), new SealPeer("100.64.3.8", somewhere))))
        .hasMessage("seal peers: underlay address 10.213.3.9 appears twice");
  }

  @Test
  void theUnderlayCarriesNoPlaintextWhileThePlainPathWould() throws Exception {
    String marker = marker();
    // the witness works: without the seal the marker crosses the veth in the clear
    Capture plain = Capture.start(lab.nodes[1], lab.veths[1]);
    try (Flow f = Flow.start(marker, node(1), TwoNodes.UNDERLAY[1], 5002, node(0), 4 << 20)) {
      assertThat(f.awaitReceived(4 << 20, 30_000)).isTrue();
      assertThat(f.finish(10_000)).isNull();
    }
    assertThat(plain.stop().contains(marker.getBytes())).as("the marker on the plain path").isTrue();

    Capture sealed = Capture.start(lab.nodes[1], lab.veths[1]);
    try (Flow f = Flow.start(marker, node(1), TwoNodes.TUNNEL[1], 5003, node(0), 4 << 20)) {
      assertThat(f.awaitReceived(4 << 20, 30_000)).isTrue();
      assertThat(f.finish(10_000)).isNull();
    }
    Capture.Frames seen = sealed.stop();
    long carried = seen.udpPayloads(PORT).stream().mapToLong(p -> p.length).sum();
    assertThat(carried).as("sealed bytes on the veth").isGreaterThan(4 << 20);
    assertThat(seen.contains(marker.getBytes())).as("the marker on the sealed path").isFalse();
  }

  @Test
  void replayedAndTamperedPacketsAreDroppedAndCounted() throws Exception {
    Capture c = Capture.start(lab.nodes[1], lab.veths[1]);
    assertThat(TwoNodes.in(lab.nodes[0], "busybox", "ping", "-c", "2", "-W", "3", TwoNodes.TUNNEL[1]))
        .contains("2 packets received");
    List<byte[]> sealed = c.stop().udpPayloads(TwoNodes.UNDERLAY[0], PORT);
    assertThat(sealed).isNotEmpty();
    byte[] genuine = sealed.getFirst();
    SealCounters before = b.counters();
    try (DatagramChannel from = NetNamespaces.inside(node(0),
        () -> DatagramChannel.open().bind(new InetSocketAddress(TwoNodes.UNDERLAY[0], 0)))) {
      InetSocketAddress to = new InetSocketAddress(TwoNodes.UNDERLAY[1], PORT);
      from.send(ByteBuffer.wrap(genuine), to);
      SealCounters replayed = await(b, s -> s.droppedReplay() > before.droppedReplay());
      assertThat(replayed.droppedReplay()).as("%s then %s", before, replayed).isEqualTo(before.droppedReplay() + 1);
      assertThat(replayed.received()).isEqualTo(before.received());

      // a changed counter (authenticated with the header) is fresh for the window, so it reaches
      // the tag check; a changed ciphertext byte of a counter already seen is a replay anyway
      byte[] tampered = genuine.clone();
      tampered[13] ^= 0x01;
      from.send(ByteBuffer.wrap(tampered), to);
      SealCounters after = await(b, s -> s.droppedAuth() > before.droppedAuth());
      assertThat(after.droppedAuth()).as("%s then %s", before, after).isEqualTo(before.droppedAuth() + 1);
      assertThat(after.received()).isEqualTo(before.received());
    }
  }

  @Test
  void rotatingKeysKeepsAFlowAliveAndAKeyOutsideTheSetCannotTalk() throws Exception {
    try (Flow f = Flow.start(marker(), node(1), TwoNodes.TUNNEL[1], 5004, node(0), Long.MAX_VALUE)) {
      long mib = 1 << 20;
      assertThat(f.awaitReceived(mib, 20_000)).as("flow under K1: %s", f.error()).isTrue();
      // the receiver learns K2 first, then the sender seals with it, then everyone does
      b.keys(List.of(K1, K2), 1);
      a.keys(List.of(K1, K2), 2);
      assertThat(f.awaitReceived(f.received.get() + 2 * mib, 20_000)).as("A sealing with K2: %s", f.error()).isTrue();
      b.keys(List.of(K1, K2), 2);
      assertThat(f.awaitReceived(f.received.get() + 2 * mib, 20_000)).as("both on K2: %s", f.error()).isTrue();
      a.keys(List.of(K2, K3), 2);
      b.keys(List.of(K2, K3), 2);
      assertThat(f.awaitReceived(f.received.get() + 2 * mib, 20_000)).as("K1 retired: %s", f.error()).isTrue();
      assertThat(f.finish(10_000)).isNull();
    }
    assertThat(a.counters().droppedAuth() + b.counters().droppedAuth()).as("nothing lost to the rotation").isZero();

    a.keys(List.of(SealCryptoTest.key(9, 0x99)), 9);
    long refused = b.counters().droppedAuth();
    TwoNodes.Result ping = TwoNodes.tryIn(lab.nodes[0], "busybox", "ping", "-c", "2", "-W", "1", TwoNodes.TUNNEL[1]);
    assertThat(ping.exit()).as(ping.out()).isNotZero();
    assertThat(b.counters().droppedAuth()).isGreaterThanOrEqualTo(refused + 2);
  }

  @Test
  void aVxlanSegmentBoundToTheTunnelAddressRunsOverTheSeal() throws Exception {
    int vxlanMtu = a.mtu() - 50;
    String[] sandboxes = {"bsl3-" + lab.id + "-sa", "bsl3-" + lab.id + "-sb"};
    String[] segment = {"10.77.3.1", "10.77.3.2"};
    for (int i = 0; i < 2; i++) {
      String n = lab.nodes[i];
      TwoNodes.in(n, "ip", "link", "add", "bsl3vx", "mtu", Integer.toString(vxlanMtu), "type", "vxlan", "id", "4242",
          "local", TwoNodes.TUNNEL[i], "dstport", "4789", "nolearning");
      TwoNodes.in(n, "bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "bsl3vx", "dst", TwoNodes.TUNNEL[1 - i]);
      TwoNodes.in(n, "ip", "link", "add", "bsl3br", "mtu", Integer.toString(vxlanMtu), "type", "bridge");
      TwoNodes.in(n, "ip", "link", "set", "bsl3vx", "master", "bsl3br", "up");
      lab.namespace(sandboxes[i]);
      TwoNodes.in(n, "ip", "link", "add", "bsl3sb", "mtu", Integer.toString(vxlanMtu), "type", "veth", "peer", "name",
          "eth0", "netns", sandboxes[i]);
      TwoNodes.in(n, "ip", "link", "set", "bsl3sb", "master", "bsl3br", "up");
      TwoNodes.in(n, "ip", "link", "set", "bsl3br", "up");
      TwoNodes.in(sandboxes[i], "ip", "link", "set", "eth0", "mtu", Integer.toString(vxlanMtu));
      TwoNodes.in(sandboxes[i], "ip", "addr", "add", segment[i] + "/24", "dev", "eth0");
      TwoNodes.in(sandboxes[i], "ip", "link", "set", "eth0", "up");
    }
    String marker = marker();
    Capture c = Capture.start(lab.nodes[1], lab.veths[1]);
    assertThat(TwoNodes.in(sandboxes[0], "busybox", "ping", "-c", "3", "-W", "3", segment[1])).contains("3 packets received");
    try (Flow f = Flow.start(marker, TwoNodes.path(sandboxes[1]), segment[1], 5005, TwoNodes.path(sandboxes[0]), 4 << 20)) {
      assertThat(f.awaitReceived(4 << 20, 30_000)).as("4 MiB over VXLAN over the seal: %s", f.error()).isTrue();
      assertThat(f.finish(10_000)).isNull();
    }
    Capture.Frames seen = c.stop();
    assertThat(seen.udpPayloads(4789)).as("no VXLAN in the clear on the underlay").isEmpty();
    assertThat(seen.udpPayloads(PORT).stream().mapToLong(p -> p.length).sum()).isGreaterThan(4 << 20);
    assertThat(seen.contains(marker.getBytes())).isFalse();
    assertThat(b.counters().droppedMalformed() + b.counters().droppedPeer()).isZero();
  }
}
