package io.berth.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class NatRulesTest {
  @Test
  void scriptRecreatesTheTableSoReapplyingNeverDuplicates() {
    String s = NatRules.script("berth", "berth0", "10.88.0.0/16", List.of());
    assertThat(s).startsWith("add table ip berth\ndelete table ip berth\ntable ip berth {");
    assertThat(s).contains("ip saddr 10.88.0.0/16 oifname != \"berth0\" masquerade")
        .contains("ip daddr 127.0.0.0/8 iifname \"berth0\" drop");
  }

  @Test
  void publishRulesCarryTheContainerTagAndHostAddress() {
    String id = "0123456789abcdef0123";
    String s = NatRules.script("berth", "berth0", "10.88.0.0/16", List.of(new NatRules.Published(id, "10.88.0.2",
        List.of(new PortBinding("", 8080, 80, "tcp"), new PortBinding("127.0.0.1", 5353, 53, "udp")))));
    assertThat(s).contains("tcp dport 8080 dnat to 10.88.0.2:80 comment \"berth:0123456789ab\"")
        .contains("ip daddr 127.0.0.1 udp dport 5353 dnat to 10.88.0.2:53 comment \"berth:0123456789ab\"");
  }

  @Test
  void isolationDropsTrafficToOtherBridgesButNotToPublishedPorts() {
    String s = NatRules.script("t", "br-a", "172.18.0.0/16", List.of(), false, List.of("br-*", "berth0"));
    int accept = s.indexOf("iifname \"br-a\" ct status dnat accept");
    int drop = s.indexOf("iifname \"br-a\" oifname \"br-*\" oifname != \"br-a\" drop");
    assertThat(accept).isPositive();
    assertThat(drop).isGreaterThan(accept);
    assertThat(s).contains("oifname \"berth0\" oifname != \"br-a\" drop").contains("masquerade comment \"outbound\"");
  }

  @Test
  void aClosedNetworkLetsInOnlyRepliesAndPublishedConnections() {
    String s = NatRules.script("t", "ov-a", "10.0.9.0/24", List.of(), false, List.of("ov-*"), true);
    int replies = s.indexOf("ct state established,related accept");
    int dnat = s.indexOf("oifname \"ov-a\" iifname != \"ov-a\" ct status dnat accept");
    assertThat(s.indexOf("ct state established,related accept")).as("first rule of the forward chain")
        .isEqualTo(s.indexOf("type filter hook forward") + "type filter hook forward priority filter; policy accept;\n    ".length());
    int drop = s.indexOf("oifname \"ov-a\" iifname != \"ov-a\" drop comment \"not routed into\"");
    assertThat(replies).isPositive();
    assertThat(dnat).isGreaterThan(replies);
    assertThat(drop).isGreaterThan(dnat);
    assertThat(NatRules.script("t", "br-a", "10.0.9.0/24", List.of(), false, List.of("br-*")))
        .doesNotContain("not routed into");
  }

  @Test
  void internalNetworksHaveNoOutboundNatAndNoForwardingOffTheBridge() {
    String s = NatRules.script("t", "br-i", "172.19.0.0/16", List.of(), true, List.of("br-*"));
    assertThat(s).doesNotContain("outbound")
        .contains("iifname \"br-i\" oifname != \"br-i\" drop comment \"internal\"")
        .contains("oifname \"br-i\" iifname != \"br-i\" drop comment \"internal\"");
  }

  @Test
  void onlyForeignForwardChainsThatCanDropGetOurAccepts() throws Exception {
    String json = """
        [
         {"chain": {"family": "ip", "table": "filter", "name": "FORWARD", "hook": "forward", "policy": "drop"}},
         {"chain": {"family": "inet", "table": "fw", "name": "forward", "hook": "forward", "policy": "accept"}},
         {"rule": {"family": "inet", "table": "fw", "chain": "forward", "expr": [{"jump": {"target": "x"}}]}},
         {"chain": {"family": "inet", "table": "quiet", "name": "forward", "hook": "forward", "policy": "accept"}},
         {"chain": {"family": "ip", "table": "berth", "name": "forward", "hook": "forward", "policy": "drop"}},
         {"chain": {"family": "ip", "table": "nat", "name": "POSTROUTING", "hook": "postrouting", "policy": "drop"}},
         {"chain": {"family": "ip", "table": "berth_b", "name": "forward", "hook": "forward", "policy": "accept"}},
         {"rule": {"family": "ip", "table": "berth_b", "chain": "forward", "comment": "berth: established flows",
                   "expr": [{"accept": null}]}},
         {"rule": {"family": "ip", "table": "berth_b", "chain": "forward", "expr": [{"drop": null}]}}
        ]""";
    var chains = ForeignForward.droppingForwardChains(new ObjectMapper().readTree(json), "berth");
    assertThat(chains).containsExactly(
        new ForeignForward.Chain("ip", "filter", "FORWARD"), new ForeignForward.Chain("inet", "fw", "forward"));
  }

  @Test
  void macFollowsTheAddress() {
    assertThat(LinuxBridgeNetwork.mac("10.88.0.2")).isEqualTo("02:42:0a:58:00:02");
  }
}
