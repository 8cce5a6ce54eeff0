package io.berth.network.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.UnavailableException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding the kernel's answers, against bytes built in C with the uapi headers (src/test/c). */
class NlReplyTest {
  // NLMSG_ERROR for seq 5: error -EEXIST, capped (header only), NLMSGERR_ATTR_MSG "Device name taken"
  private static final String ACK_EEXIST = "3c0000000200000305000000d2040000efffffff4000000010000506050000000000000016"
      + "000100446576696365206e616d652074616b656e000000";
  // NLMSG_ERROR for seq 6: error 0 (an acknowledgement)
  private static final String ACK_OK = "240000000200000106000000000000000000000020000000100000000600000000000000";
  // RTM_NEWLINK for seq 3: ifi_index 9, IFLA_IFNAME eth0
  private static final String NEWLINK_9 = "2c00000010000000030000000000000000000000090000000100000000000000090003006574683000000000";

  private static List<NlReply> parse(String... hex) {
    byte[] b = HexFormat.of().parseHex(String.join("", hex));
    return NlReply.parse(ByteBuffer.wrap(b), b.length);
  }

  @Test
  void refusalWithTheKernelsMessage() {
    NlReply r = parse(ACK_EEXIST).getFirst();
    assertThat(r.type()).isEqualTo(NlReply.NLMSG_ERROR);
    assertThat(r.seq()).isEqualTo(5);
    assertThat(r.error()).isEqualTo(new NlReply.Ack(17, "Device name taken"));
  }

  @Test
  void acknowledgement() {
    NlReply r = parse(ACK_OK).getFirst();
    assertThat(r.seq()).isEqualTo(6);
    assertThat(r.error()).isEqualTo(new NlReply.Ack(0, null));
  }

  @Test
  void severalMessagesInOneDatagram() {
    List<NlReply> all = parse(NEWLINK_9, ACK_OK, ACK_EEXIST);
    assertThat(all).extracting(NlReply::seq).containsExactly(3, 6, 5);
    assertThat(all.getFirst().type()).isEqualTo(RtRequests.RTM_NEWLINK);
    assertThat(all.getFirst().ifIndex()).isEqualTo(9);
    assertThat(all.get(2).error().errno()).isEqualTo(17);
  }

  @Test
  void uncappedRefusalSkipsTheEchoedRequest() {
    // the same refusal without NLM_F_CAPPED: the echoed request (64 bytes: 16 header + 48 payload) sits
    // between the error code and the attributes
    byte[] capped = HexFormat.of().parseHex(ACK_EEXIST);
    ByteBuffer b = ByteBuffer.allocate(capped.length + 48).order(java.nio.ByteOrder.nativeOrder());
    b.put(capped, 0, 36).put(new byte[48]).put(capped, 36, capped.length - 36);
    b.putInt(0, b.capacity()).putShort(6, (short) 0x200);
    NlReply r = NlReply.parse(b, b.capacity()).getFirst();
    assertThat(r.error()).isEqualTo(new NlReply.Ack(17, "Device name taken"));
  }

  @Test
  void malformedLengthsAreRefused() {
    byte[] b = HexFormat.of().parseHex(ACK_OK);
    b[0] = (byte) 0x80; // says 128 bytes, has 36
    assertThatThrownBy(() -> NlReply.parse(ByteBuffer.wrap(b), b.length)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("length 128");
    b[0] = 8; // shorter than a header
    assertThatThrownBy(() -> NlReply.parse(ByteBuffer.wrap(b), b.length)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusalsBecomeErrorsNamingTheOperationAndTheReason() {
    assertThat(RouteSocket.failure("adding veth vb1 (peer eth0 in berth-x-abc)", new NlReply.Ack(17, null)))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessage("netlink: adding veth vb1 (peer eth0 in berth-x-abc): File exists");
    assertThat(RouteSocket.failure("deleting link lo", new NlReply.Ack(95, "not here")))
        .isInstanceOf(UnavailableException.class)
        .hasMessage("netlink: deleting link lo: Operation not supported (not here)");
  }
}
