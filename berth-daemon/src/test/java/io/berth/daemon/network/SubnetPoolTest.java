package io.berth.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubnetPoolTest {
  private static SubnetPool.Cidr c(String s) {
    return SubnetPool.Cidr.parse(s);
  }

  @Test
  void picksTheFirstDefaultPoolThatOverlapsNothingInUse() {
    assertThat(SubnetPool.pick(List.of()).toString()).isEqualTo("172.18.0.0/16");
    // a host route inside 172.18/16 and our own 172.19/16 push it to 172.20/16
    assertThat(SubnetPool.pick(List.of(c("172.18.5.0/24"), c("172.19.0.0/16"))).toString()).isEqualTo("172.20.0.0/16");
    // a wide route covering all of 172.16/12 moves it to 192.168.x.0/20
    assertThat(SubnetPool.pick(List.of(c("172.16.0.0/12"))).toString()).isEqualTo("192.168.0.0/20");
  }

  @Test
  void exhaustedPoolsAreReported() {
    List<SubnetPool.Cidr> all = new ArrayList<>(List.of(c("172.16.0.0/12"), c("192.168.0.0/16")));
    assertThatThrownBy(() -> SubnetPool.pick(all)).hasMessageContaining("non-overlapping");
  }

  @Test
  void overlapAndParsing() {
    assertThat(c("10.0.0.0/8").overlaps(c("10.1.2.0/24"))).isTrue();
    assertThat(c("10.1.2.0/24").overlaps(c("10.1.3.0/24"))).isFalse();
    assertThat(c("10.1.2.77/24").toString()).isEqualTo("10.1.2.0/24");
    assertThat(c("10.1.2.0/24").contains(SubnetPool.toInt("10.1.2.254"))).isTrue();
    assertThatThrownBy(() -> c("10.1.2.0")).hasMessageContaining("invalid subnet");
    assertThatThrownBy(() -> c("10.1.300.0/24")).hasMessageContaining("invalid IPv4");
  }
}
