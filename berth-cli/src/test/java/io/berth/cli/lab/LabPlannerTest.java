package io.berth.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabPlannerTest {
  private static final String HOST = """
      default via 192.0.2.1 dev eth0
      10.88.0.0/16 dev berth0 proto kernel scope link src 10.88.0.1 linkdown
      10.89.24.0/24 dev bits4 proto kernel scope link src 10.89.24.1 linkdown
      10.77.1.0/24 dev blab1 proto kernel scope link src 10.77.1.1
      local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1
      2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0
      """;

  @Test
  void readsRoutesAndAddressesButNotTheDefaultOrLoopback() {
    List<int[]> nets = LabPlanner.networks(HOST);
    assertThat(nets).extracting(n -> n[1]).contains(16, 24);
    assertThat(nets).noneMatch(n -> n[0] >>> 24 == 127);
    assertThat(nets).noneMatch(n -> n[1] == 0);
  }

  @Test
  void aLabNumberWhoseSubnetsTheHostUsesIsSkipped() {
    List<int[]> nets = LabPlanner.networks(HOST);
    assertThat(LabPlanner.overlaps(nets, 1, 3)).as("10.77.1.0/24 is blab1's").isTrue();
    assertThat(LabPlanner.overlaps(nets, 2, 3)).isFalse();
    List<int[]> wide = LabPlanner.networks("10.102.0.0/16 dev x scope link");
    assertThat(LabPlanner.overlaps(wide, 5, 1)).as("node 1 only uses 10.101.5.0/24").isFalse();
    assertThat(LabPlanner.overlaps(wide, 5, 2)).as("node 2's 10.102.5.0/24 is inside 10.102/16").isTrue();
    assertThat(LabPlanner.overlaps(LabPlanner.networks("10.0.0.0/8 dev y"), 9, 1)).isTrue();
  }
}
