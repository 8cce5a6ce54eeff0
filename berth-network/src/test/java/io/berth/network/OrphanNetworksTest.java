package io.berth.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leftover networks of a wiped data root are removed; live ones and other daemons' tables stay. */
class OrphanNetworksTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir Path state;

  @Test
  void picksOnlyThisDaemonsNetworkTablesThatAreNotLive() throws Exception {
    var ruleset = new ObjectMapper().readTree("""
        [{"metainfo": {}},
         {"table": {"family": "ip", "name": "berth"}},
         {"table": {"family": "ip", "name": "berth_0123456789ab"}},
         {"table": {"family": "ip", "name": "berth_aaaaaaaaaaaa"}},
         {"table": {"family": "inet", "name": "berth_bbbbbbbbbbbb"}},
         {"table": {"family": "ip", "name": "berth_it_cccccccccccc"}},
         {"table": {"family": "ip", "name": "berth_0123456789abc"}},
         {"chain": {"family": "ip", "table": "berth_dddddddddddd", "name": "x"}}]""");
    assertThat(OrphanNetworks.orphans(ruleset, "berth", Set.of("berth_aaaaaaaaaaaa")))
        .containsExactly("berth_0123456789ab");
    assertThat(OrphanNetworks.orphans(ruleset, "berth_it", Set.of())).containsExactly("berth_it_cccccccccccc");
  }

  @Test
  void removesTheTableAndBridgeOfAForgottenNetworkAndKeepsALiveOne() {
    assumeTrue(Files.isWritable(Path.of("/proc/sys/net/ipv4/ip_forward")), "needs root (writes /proc/sys)");
    String daemonTable = "bo" + HexFormat.of().formatHex(RANDOM.generateSeed(3));
    String gone = HexFormat.of().formatHex(RANDOM.generateSeed(6));
    String live = HexFormat.of().formatHex(RANDOM.generateSeed(6));
    int octet = 1 + RANDOM.nextInt(254);
    LinuxBridgeNetwork.Options options = new LinuxBridgeNetwork.Options(new Sandboxes(daemonTable), false, null,
        List.of(), new PortLedger());
    LinuxBridgeNetwork forgotten = LinuxBridgeNetwork.open(state.resolve("a"), "br-" + gone, "10.214." + octet + ".1/24",
        daemonTable + "_" + gone, options);
    LinuxBridgeNetwork kept = LinuxBridgeNetwork.open(state.resolve("b"), "br-" + live, "10.215." + octet + ".1/24",
        daemonTable + "_" + live, options);
    forgotten.init();
    kept.init();
    try {
      assertThat(OrphanNetworks.remove(daemonTable, Set.of(daemonTable + "_" + live)))
          .containsExactly(daemonTable + "_" + gone);
      assertThat(Nft.tableExists("ip", daemonTable + "_" + gone)).isFalse();
      assertThat(IpWitness.linkExists("br-" + gone)).isFalse();
      assertThat(Nft.tableExists("ip", daemonTable + "_" + live)).isTrue();
      assertThat(IpWitness.linkExists("br-" + live)).isTrue();
      assertThat(OrphanNetworks.remove(daemonTable, Set.of(daemonTable + "_" + live))).isEmpty();
    } finally {
      forgotten.delete();
      kept.delete();
    }
    assertThat(Nft.tableExists("ip", daemonTable + "_" + live)).isFalse();
  }
}
