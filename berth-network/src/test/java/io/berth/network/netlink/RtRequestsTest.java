package io.berth.network.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The requests byte for byte against the same messages built in C with the kernel's uapi
 * headers (src/test/c/rtnl_reference.c, whose output lines are pasted here). No root needed.
 */
class RtRequestsTest {
  private static final byte[] MAC = {2, 0x42, 10, 0x58, 0, 2};
  private static final byte[] IP = {10, 88, 0, 2};
  private static final byte[] GATEWAY = {10, 88, 0, 1};

  private static String hex(NlRequest r) {
    return HexFormat.of().formatHex(r.bytes(1));
  }

  @Test
  void getLinkByName() {
    assertThat(hex(RtRequests.getLink("eth0")))
        .isEqualTo("2c00000012000500010000000000000000000000000000000000000000000000090003006574683000000000");
  }

  @Test
  void deleteLinkByName() {
    assertThat(hex(RtRequests.deleteLink("vbabcde1234567")))
        .isEqualTo("34000000110005000100000000000000000000000000000000000000000000001300030076626162636465313233343536370000");
  }

  @Test
  void linkUpByName() {
    assertThat(hex(RtRequests.linkUp("lo")))
        .isEqualTo("2800000010000500010000000000000000000000000000000100000001000000070003006c6f0000");
  }

  @Test
  void linkMtuByName() {
    assertThat(hex(RtRequests.linkMtu("lo", 1500)))
        .isEqualTo("30000000100005000100000000000000" + "00000000000000000000000000000000"
            + "070003006c6f0000" + "08000400dc050000");
  }

  @Test
  void vethWithItsPeerInAnotherNamespace() {
    // nested: IFLA_LINKINFO { IFLA_INFO_KIND "veth", IFLA_INFO_DATA { VETH_INFO_PEER { ifinfomsg
    // (no flags: the peer stays down), IFLA_IFNAME, IFLA_ADDRESS (6 bytes, padded), IFLA_NET_NS_FD } } }
    assertThat(hex(RtRequests.addVeth("vb0123456789ab", 7, "eth0", MAC, 42, "berth-x-abc")))
        .isEqualTo("8400000010000506010000000000000000000000000000000100000001000000130003007662303132333435363738396162"
            + "000008000a0007000000480012000900010076657468000000003800020034000100000000000000000000000000000000"
            + "000900030065746830000000000a00010002420a580002000008001c002a000000");
  }

  @Test
  void hairpinAsBridgePortData() {
    assertThat(hex(RtRequests.hairpin("vb0123456789ab")))
        .isEqualTo("500000001000050001000000000000000000000000000000000000000000000013000300766230313233343536373839616200"
            + "001c0012000b00040062726964676500000c0005000500040001000000");
  }

  @Test
  void ipv4Address() {
    assertThat(hex(RtRequests.addAddress(3, IP, 16, "eth0")))
        .isEqualTo("280000001400050601000000000000000210000003000000080002000a580002080001000a580002");
  }

  @Test
  void defaultRoute() {
    assertThat(hex(RtRequests.addDefaultRoute(3, GATEWAY, "eth0")))
        .isEqualTo("2c00000018000506010000000000000002000000fe03000100000000080005000a5800010800040003000000");
  }

  @Test
  void sequenceNumbersAndLengthsAreFilledPerMessage() {
    NlRequest r = RtRequests.linkUp("lo");
    byte[] a = r.bytes(1);
    byte[] b = r.bytes(258);
    assertThat(a).hasSize(40);
    assertThat(a[0]).isEqualTo((byte) 40);
    assertThat(new byte[] {b[8], b[9], b[10], b[11]}).containsExactly(2, 1, 0, 0);
  }

  @Test
  void requestsGrowPastTheirFirstBuffer() {
    NlRequest r = new NlRequest(RtRequests.RTM_NEWLINK, 0, "long").ifinfo(0, 0, 0);
    for (int i = 0; i < 100; i++) {
      r.u32(100, i);
    }
    byte[] b = r.bytes(1);
    assertThat(b).hasSize(16 + 16 + 100 * 8);
    assertThat(b[b.length - 4]).isEqualTo((byte) 99);
  }

  @Test
  void operationsAreNamedForErrors() {
    assertThat(RtRequests.addVeth("vb1", 7, "eth0", MAC, 42, "berth-x-abc").what)
        .isEqualTo("adding veth vb1 (peer eth0 in berth-x-abc)");
    assertThat(RtRequests.addAddress(3, IP, 16, "eth0").what).isEqualTo("adding address 10.88.0.2/16 to eth0");
    assertThat(RtRequests.addDefaultRoute(3, GATEWAY, "eth1").what).isEqualTo("adding default route via 10.88.0.1 dev eth1");
  }

  @Test
  void addressesAndMacsAreConvertedAndChecked() {
    assertThat(RouteSocket.bytes(0x0a580002)).containsExactly(IP);
    assertThat(RouteSocket.mac("02:42:0a:58:00:02")).containsExactly(MAC);
    assertThatThrownBy(() -> RouteSocket.mac("02:42:0a:58:00")).isInstanceOf(InvalidArgumentException.class)
        .hasMessage("invalid MAC address 02:42:0a:58:00");
    assertThatThrownBy(() -> RouteSocket.mac("zz:42:0a:58:00:02")).isInstanceOf(InvalidArgumentException.class);
  }
}
