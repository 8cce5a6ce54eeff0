package io.berth.cluster.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.IpamConfig;
import io.berth.cluster.model.PortProtocol;
import io.berth.cluster.model.PortRange;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The allocator's pools, each on its own: subnets, VNIs, addresses of a network, published ports. */
class PoolsTest {
  @Test
  void subnetsComeFromTheDefaultPoolLowestFirstSkippingOverlaps() {
    SubnetPool pool = SubnetPool.of(List.of("10.0.0.0/8"), 24);
    assertThat(pool.take(List.of())).hasToString("10.0.0.0/24");
    assertThat(pool.take(List.of(Cidr.parse("10.0.0.0/24")))).hasToString("10.0.1.0/24");
    assertThat(pool.take(List.of(Cidr.parse("10.0.0.0/24"), Cidr.parse("10.0.0.0/16")))).hasToString("10.1.0.0/24");
    assertThat(pool.take(List.of(Cidr.parse("10.0.0.0/24"), Cidr.parse("10.0.1.128/25")))).hasToString("10.0.2.0/24");
  }

  @Test
  void aSwarmsOwnPoolAndSubnetSizeAreHonouredAndExhaustionIsSaid() {
    SubnetPool pool = SubnetPool.of(List.of("10.20.0.0/23"), 24);
    assertThat(pool.take(List.of())).hasToString("10.20.0.0/24");
    assertThat(pool.take(List.of(Cidr.parse("10.20.0.0/24")))).hasToString("10.20.1.0/24");
    assertThatThrownBy(() -> pool.take(List.of(Cidr.parse("10.20.0.0/23")))).isInstanceOf(UnavailableException.class)
        .hasMessageContaining("non-overlapping");
    assertThatThrownBy(() -> SubnetPool.of(List.of("10.0.0.0/16"), 8)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("subnet size 8");
    assertThatThrownBy(() -> Cidr.parse("10.0.1.5/24")).hasMessageContaining("host bits");
  }

  @Test
  void vnisStartAt4097AndAreUnique() {
    assertThat(VniPool.take(Set.of())).isEqualTo(4097);
    assertThat(VniPool.take(Set.of(4097, 4098, 4100))).isEqualTo(4099);
  }

  @Test
  void addressesSkipTheNetworkGatewayAndBroadcastAndAreTakenOnce() {
    AddressSpace s = new AddressSpace(AddressSpace.Block.of(new IpamConfig("10.0.1.0/30", null, null)).config());
    assertThat(s.take()).isEqualTo("10.0.1.2/30");
    assertThatThrownBy(s::take).isInstanceOf(UnavailableException.class);
    s.release("10.0.1.2/30");
    assertThat(s.reserve("10.0.1.2/30")).isTrue();
    assertThat(s.reserve("10.0.1.2/30")).as("already taken").isFalse();
    assertThat(s.reserve("10.0.2.2/30")).as("not this network's").isFalse();
  }

  @Test
  void aUsersRangeAndGatewayAreHonouredAndChecked() {
    IpamConfig asked = new IpamConfig("10.5.0.0/24", "10.5.0.128/25", "10.5.0.254");
    AddressSpace.Block b = AddressSpace.Block.of(asked);
    assertThat(b.config()).isEqualTo(asked);
    AddressSpace s = new AddressSpace(b.config());
    assertThat(s.take()).isEqualTo("10.5.0.128/24");
    assertThat(AddressSpace.Block.of(new IpamConfig("10.5.0.0/24", null, null)).config().gateway())
        .isEqualTo("10.5.0.1");
    assertThatThrownBy(() -> AddressSpace.Block.of(new IpamConfig("10.5.0.0/24", "10.6.0.0/25", null)))
        .hasMessageContaining("not within subnet");
    assertThatThrownBy(() -> AddressSpace.Block.of(new IpamConfig("10.5.0.0/24", null, "10.6.0.1")))
        .hasMessageContaining("gateway 10.6.0.1");
  }

  @Test
  void publishedPortsAreOneServicesEachAndDynamicOnesComeFromTheRange() {
    PortAllocator ports = new PortAllocator(new PortRange(30000, 30001));
    assertThat(ports.reserve("a", PortProtocol.TCP, 8080)).isTrue();
    assertThat(ports.reserve("a", PortProtocol.TCP, 8080)).as("its own again").isTrue();
    assertThat(ports.reserve("b", PortProtocol.TCP, 8080)).isFalse();
    assertThat(ports.reserve("b", PortProtocol.UDP, 8080)).as("another protocol").isTrue();
    assertThat(ports.take("a", PortProtocol.TCP)).isEqualTo(30000);
    assertThat(ports.take("b", PortProtocol.TCP)).isEqualTo(30001);
    assertThatThrownBy(() -> ports.take("c", PortProtocol.TCP)).isInstanceOf(UnavailableException.class)
        .hasMessageContaining("30000-30001");
    ports.releaseAll("a");
    assertThat(ports.take("c", PortProtocol.TCP)).isEqualTo(30000);
    assertThat(ports.owner(PortProtocol.TCP, 8080)).isEmpty();
  }

  @Test
  void aPortRangeIsParsedAndChecked() {
    assertThat(PortRange.parse("20000-20100")).isEqualTo(new PortRange(20000, 20100));
    assertThatThrownBy(() -> PortRange.parse("2-1")).hasMessageContaining("START <= END");
    assertThatThrownBy(() -> PortRange.parse("abc")).hasMessageContaining("expected START-END");
  }
}
