package io.berth.network.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The nftables scripts of the balancers, as text: no root needed. */
class RuleTextTest {
  private static final List<ServicePort> WEB = List.of(new ServicePort("tcp", 80, 8080));

  @Test
  void aVirtualIpIsRoundRobinInTheOutputHookAndRefusedWhenNothingRewroteIt() {
    String s = ServiceBalancer.script(List.of(new VirtualService("10.0.0.100", WEB, List.of("10.0.0.2", "10.0.0.3"))));
    assertThat(s).startsWith("add table ip berth_services\ndelete table ip berth_services\ntable ip berth_services {")
        .contains("type nat hook output priority -100;")
        .contains("ip daddr 10.0.0.100 tcp dport 80 dnat ip to numgen inc mod 2 map"
            + " { 0 : 10.0.0.2 . 8080, 1 : 10.0.0.3 . 8080 }")
        .contains("type filter hook output priority filter;")
        .contains("ip daddr 10.0.0.100 meta l4proto tcp reject with tcp reset\n")
        .contains("ip daddr 10.0.0.100 reject\n");
  }

  @Test
  void vxlanOnTheUnderlayAddressIsUntrackedBothWays() {
    String s = UntrackedUnderlay.script("berth_vxlan", "192.0.2.7");
    assertThat(s).startsWith("add table ip berth_vxlan\ndelete table ip berth_vxlan\ntable ip berth_vxlan {")
        .contains("type filter hook prerouting priority raw;")
        .contains("ip daddr 192.0.2.7 udp dport 4789 notrack")
        .contains("type filter hook output priority raw;")
        .contains("ip saddr 192.0.2.7 udp dport 4789 notrack");
    assertThatThrownBy(() -> new UntrackedUnderlay("berth_vxlan").apply("192.0.2"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("underlay");
    assertThatThrownBy(() -> new UntrackedUnderlay("bad table")).hasMessageContaining("invalid nftables table name");
  }

  @Test
  void aVirtualIpWithoutPortsBalancesEveryPortToTheSamePort() {
    String s = ServiceBalancer.script(List.of(new VirtualService("10.0.1.2", List.of(), List.of("10.0.1.3", "10.0.1.4"))));
    assertThat(s).contains("ip daddr 10.0.1.2 dnat ip to numgen inc mod 2 map { 0 : 10.0.1.3, 1 : 10.0.1.4 }\n")
        .doesNotContain("dport");
  }

  @Test
  void aVirtualIpWithoutBackendsHasNoDnatButIsStillRefused() {
    String s = ServiceBalancer.script(List.of(new VirtualService("10.0.0.100", WEB, List.of()),
        new VirtualService("10.0.0.101", WEB, List.of("10.0.0.5"))));
    assertThat(s).doesNotContain("ip daddr 10.0.0.100 tcp dport").contains("mod 1 map { 0 : 10.0.0.5 . 8080 }")
        .contains("ip daddr { 10.0.0.100, 10.0.0.101 } reject");
    assertThat(ServiceBalancer.script(List.of())).isEqualTo("add table ip berth_services\ndelete table ip berth_services\n");
  }

  @Test
  void badServicesAreRefusedByName() {
    assertThatThrownBy(() -> ServiceBalancer.script(List.of(new VirtualService("10.0.0", WEB, List.of()))))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("virtual IP address 10.0.0");
    assertThatThrownBy(() -> ServiceBalancer.script(List.of(
        new VirtualService("10.0.0.1", List.of(new ServicePort("sctp", 80, 80)), List.of()))))
        .hasMessageContaining("invalid protocol sctp for virtual IP 10.0.0.1");
    assertThatThrownBy(() -> ServiceBalancer.script(List.of(
        new VirtualService("10.0.0.1", List.of(new ServicePort("tcp", 80, 0)), List.of()))))
        .hasMessageContaining("invalid port 0");
    assertThatThrownBy(() -> ServiceBalancer.script(List.of(new VirtualService("10.0.0.1", WEB, List.of()),
        new VirtualService("10.0.0.1", WEB, List.of())))).hasMessageContaining("listed twice");
    assertThatThrownBy(() -> ServiceBalancer.script(List.of(new VirtualService("10.0.0.1", WEB, List.of("x")))))
        .hasMessageContaining("backend of 10.0.0.1 address x");
  }

  @Test
  void algorithmsAreNamedAsHaproxyAndOthersRefusedByName() {
    assertThat(Balancing.parse("leastconn")).isEqualTo(Balancing.LEAST_CONNECTIONS);
    assertThat(Balancing.parse("roundrobin")).isEqualTo(Balancing.ROUND_ROBIN);
    assertThat(Balancing.parse("")).isEqualTo(Balancing.ROUND_ROBIN);
    assertThatThrownBy(() -> Balancing.parse("wrr")).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("unknown load-balancing algorithm \"wrr\" (roundrobin or leastconn)");
  }

  @Test
  void aLeastConnectionsVipIsRoundRobinOverItsLeastLoadedTasksOnly() {
    VirtualService lc = new VirtualService("10.0.0.100", List.of(), List.of("10.0.0.2", "10.0.0.3", "10.0.0.4"),
        Balancing.LEAST_CONNECTIONS);
    VirtualService rr = new VirtualService("10.0.0.101", List.of(), List.of("10.0.0.5", "10.0.0.6"));
    Map<String, Integer> counts = Map.of("10.0.0.2", 3, "10.0.0.3", 1, "10.0.0.4", 1, "10.0.0.5", 9);
    String s = ServiceBalancer.script(LeastConnections.narrowVips(List.of(lc, rr), counts));
    assertThat(s).contains("ip daddr 10.0.0.100 dnat ip to numgen inc mod 2 map { 0 : 10.0.0.3, 1 : 10.0.0.4 }")
        .as("round robin services keep all their tasks whatever the counts")
        .contains("ip daddr 10.0.0.101 dnat ip to numgen inc mod 2 map { 0 : 10.0.0.5, 1 : 10.0.0.6 }");
    assertThat(ServiceBalancer.script(LeastConnections.narrowVips(List.of(lc), Map.of("10.0.0.3", 1, "10.0.0.4", 2))))
        .contains("ip daddr 10.0.0.100 dnat ip to numgen inc mod 1 map { 0 : 10.0.0.2 }");
  }

  @Test
  void aLeastConnectionsMeshPortGoesToItsLeastLoadedTasksAndSnatsOnlyTowardsThose() {
    MeshService web = new MeshService("web", List.of(new MeshPort("tcp", 8080, 80)),
        List.of(new MeshBackend("10.255.0.5", true), new MeshBackend("10.255.0.6", false),
            new MeshBackend("10.255.0.7", false)), Balancing.LEAST_CONNECTIONS);
    String s = RoutingMesh.script("berth_mesh", "ov-ingress", "10.255.0.201",
        LeastConnections.narrowMesh(List.of(web), Map.of("10.255.0.5", 2, "10.255.0.6", 2, "10.255.0.7", 1)));
    assertThat(s).contains("tcp dport 8080 dnat ip to numgen inc mod 1 map { 0 : 10.255.0.7 . 80 } comment \"mesh:web\"")
        .contains("ip daddr 10.255.0.7 snat ip to 10.255.0.201");
  }

  @Test
  void theLeastLoadedAreAllTiesInOrderAndAnUncountedTaskHasNone() {
    List<String> b = List.of("a", "b", "c");
    assertThat(LeastLoaded.of(b, x -> x, Map.of())).containsExactly("a", "b", "c");
    assertThat(LeastLoaded.of(b, x -> x, Map.of("a", 2, "b", 1, "c", 1))).containsExactly("b", "c");
    assertThat(LeastLoaded.of(b, x -> x, Map.of("a", 2, "b", 1))).containsExactly("c");
    assertThat(LeastLoaded.of(List.<String>of(), x -> x, Map.of("a", 1))).isEmpty();
  }

  @Test
  void theMeshSnatsOnlyTowardsRemoteTasksAndBeforeTheNetworksMasquerade() {
    String s = RoutingMesh.script("berth_mesh", "ov-ingress", "10.255.0.201", List.of(
        new MeshService("web", List.of(new MeshPort("tcp", 8080, 80), new MeshPort("udp", 53, 5353)),
            List.of(new MeshBackend("10.255.0.5", true), new MeshBackend("10.255.0.6", false))),
        new MeshService("idle", List.of(new MeshPort("udp", 9000, 9000)), List.of())));
    assertThat(s)
        .contains("type nat hook prerouting priority dstnat;").contains("fib daddr type local jump mesh")
        .contains("type nat hook output priority -100;")
        .contains("tcp dport 8080 dnat ip to numgen inc mod 2 map { 0 : 10.255.0.5 . 80, 1 : 10.255.0.6 . 80 }"
            + " comment \"mesh:web\"")
        .contains("udp dport 53 dnat ip to numgen inc mod 2 map { 0 : 10.255.0.5 . 5353, 1 : 10.255.0.6 . 5353 }")
        .contains("type nat hook postrouting priority srcnat - 1;")
        .contains("oifname \"ov-ingress\" ct status dnat ip daddr 10.255.0.6 snat ip to 10.255.0.201")
        .contains("type filter hook input priority filter;")
        .contains("udp dport 9000 reject comment \"mesh:idle\"");
    assertThat(s).doesNotContain("daddr 10.255.0.5 snat");
  }

  @Test
  void aMeshPortPublishedTwiceIsRefused() {
    List<MeshPort> p = List.of(new MeshPort("tcp", 8080, 80));
    assertThatThrownBy(() -> RoutingMesh.script("t", "ov-x", "10.0.0.9", List.of(new MeshService("a", p, List.of()),
        new MeshService("b", p, List.of())))).hasMessageContaining("port 8080/tcp is published by two mesh services");
  }

  @Test
  void peersAndMacsAreDerivedAndChecked() {
    assertThat(OverlayPeer.endpoint("10.0.0.2", "192.168.1.5").mac()).isEqualTo("02:42:0a:00:00:02");
    assertThat(OverlayPeer.node("10.0.0.201", "192.168.1.5").mac()).isEqualTo("06:42:c0:a8:01:05");
    assertThatThrownBy(() -> new OverlayPeer("10.0.0.2", "02:42:0A:00:00:02", "192.168.1.5"))
        .hasMessageContaining("invalid MAC address 02:42:0A:00:00:02 of overlay peer 10.0.0.2");
    assertThatThrownBy(() -> PeerTable.sync("vx-none", List.of(OverlayPeer.endpoint("10.0.0.2", "192.168.1.5"),
        new OverlayPeer("10.0.0.2", "02:42:0a:00:00:09", "192.168.1.5"))))
        .hasMessageContaining("overlay peer 10.0.0.2 is listed with two MACs");
  }
}
