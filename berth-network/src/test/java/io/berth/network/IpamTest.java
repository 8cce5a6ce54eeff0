package io.berth.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpamTest {
  @TempDir Path dir;

  private Ipam ipam(String cidr) {
    return new Ipam(cidr, dir.resolve("ipam.json"));
  }

  @Test
  void exhaustsASmallSubnetSkippingNetworkGatewayAndBroadcast() {
    Ipam ipam = ipam("10.1.2.1/29"); // .0 network, .1 gateway, .7 broadcast -> .2 to .6
    Set<String> got = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      got.add(ipam.allocate("c" + i, null));
    }
    assertThat(got).containsExactlyInAnyOrder("10.1.2.2", "10.1.2.3", "10.1.2.4", "10.1.2.5", "10.1.2.6");
    assertThatThrownBy(() -> ipam.allocate("c5", null))
        .isInstanceOf(UnavailableException.class).hasMessageContaining("10.1.2.0/29");
  }

  @Test
  void releasedAddressIsReusedOnlyWhenNothingNewerIsFree() {
    Ipam ipam = ipam("10.1.2.1/29");
    String first = ipam.allocate("a", null);
    ipam.allocate("b", null);
    ipam.release("a");
    assertThat(ipam.allocate("c", null)).isNotEqualTo(first);
    for (int i = 0; i < 2; i++) {
      ipam.allocate("fill" + i, null);
    }
    assertThat(ipam.allocate("d", null)).isEqualTo(first);
  }

  @Test
  void automaticAddressesComeFromTheIpRangeButRequestedOnesMayBeAnywhereInTheSubnet() {
    Ipam ipam = new Ipam("10.5.0.1/16", "10.5.7.0/30", dir.resolve("r.json"));
    Set<String> got = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      got.add(ipam.allocate("c" + i, null));
    }
    assertThat(got).containsExactlyInAnyOrder("10.5.7.0", "10.5.7.1", "10.5.7.2", "10.5.7.3");
    assertThatThrownBy(() -> ipam.allocate("c9", null)).hasMessageContaining("ip-range");
    assertThat(ipam.allocate("d", "10.5.9.9")).isEqualTo("10.5.9.9");
    assertThatThrownBy(() -> new Ipam("10.5.0.1/16", "10.6.0.0/24", dir.resolve("x.json")))
        .hasMessageContaining("not inside subnet");
  }

  @Test
  void sameOwnerGetsSameAddress() {
    Ipam ipam = ipam("10.88.0.1/16");
    assertThat(ipam.allocate("a", null)).isEqualTo(ipam.allocate("a", null));
  }

  @Test
  void requestedAddressMustBeUsableAndFree() {
    Ipam ipam = ipam("10.88.0.1/16");
    assertThat(ipam.allocate("a", "10.88.3.4")).isEqualTo("10.88.3.4");
    assertThatThrownBy(() -> ipam.allocate("b", "10.88.3.4")).isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> ipam.allocate("b", "10.89.0.2")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> ipam.allocate("b", "10.88.0.1")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> ipam.allocate("b", "10.88.0.0")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> ipam.allocate("b", "10.88.255.255")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> ipam.allocate("b", "10.88.1")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> ipam.allocate("b", "10.88.1.256")).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void allocationsSurviveARestart() throws Exception {
    Ipam before = ipam("10.88.0.1/16");
    String a = before.allocate("a", null);
    before.allocate("b", "10.88.7.7");
    before.release("b");
    assertThat(Files.readString(dir.resolve("ipam.json"))).contains("\"a\"").doesNotContain("\"b\"");
    assertThat(dir.resolve("ipam.json.tmp")).doesNotExist();

    Ipam after = ipam("10.88.0.1/16");
    assertThat(after.allocations()).containsExactlyEntriesOf(java.util.Map.of("a", a));
    assertThat(after.allocate("c", null)).isNotEqualTo(a);
  }

  @Test
  void allocationsOfAnOldSubnetAreDroppedWhenTheSubnetChanges() {
    ipam("10.88.0.1/16").allocate("a", null);
    assertThat(ipam("10.77.0.1/24").allocations()).isEmpty();
  }

  @Test
  void rejectsBadConfiguration() {
    assertThatThrownBy(() -> ipam("10.88.0.1")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> ipam("10.88.0.1/31")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> ipam("10.88.0.0/16")).isInstanceOf(InvalidArgumentException.class);
  }
}
