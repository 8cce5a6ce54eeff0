package io.berth.network.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One netlink request as the kernel reads it (uapi {@code linux/netlink.h}): a 16-byte
 * {@code nlmsghdr}, the family's fixed header, then type-length-value attributes, each padded
 * to 4 bytes, nested attributes holding others. Integers are in host byte order, addresses in
 * network order (as given). Only what Berth sends is here.
 */
final class NlRequest {
  static final int HEADER = 16;
  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_ACK = 0x4;
  static final int NLM_F_EXCL = 0x200;
  static final int NLM_F_CREATE = 0x400;

  /** What the request does, in words, for error messages ("adding veth vb1 (peer eth0 in ns)"). */
  final String what;
  private byte[] buf = new byte[256];
  private ByteBuffer out = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());

  /** A request of {@code type} ({@code RTM_*}); NLM_F_REQUEST and NLM_F_ACK are always set. */
  NlRequest(int type, int flags, String what) {
    this.what = what;
    out.putInt(0).putShort((short) type).putShort((short) (flags | NLM_F_REQUEST | NLM_F_ACK)).putInt(0).putInt(0);
  }

  private void room(int n) {
    if (out.remaining() < n) {
      int pos = out.position();
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      out = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).position(pos);
    }
  }

  /** {@code struct ifinfomsg}: family, pad, type, index, flags, change (16 bytes). */
  NlRequest ifinfo(int index, int flags, int change) {
    room(16);
    out.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change);
    return this;
  }

  /** {@code struct ifaddrmsg}: family, prefix length, flags, scope, index (8 bytes). */
  NlRequest ifaddr(int family, int prefixLen, int scope, int index) {
    room(8);
    out.put((byte) family).put((byte) prefixLen).put((byte) 0).put((byte) scope).putInt(index);
    return this;
  }

  /** {@code struct rtmsg}: family, dst/src length, tos, table, protocol, scope, type, flags (12 bytes). */
  NlRequest rtmsg(int family, int dstLen, int table, int protocol, int scope, int type) {
    room(12);
    out.put((byte) family).put((byte) dstLen).put((byte) 0).put((byte) 0)
        .put((byte) table).put((byte) protocol).put((byte) scope).put((byte) type).putInt(0);
    return this;
  }

  NlRequest attr(int type, byte[] value) {
    int len = 4 + value.length;
    room(align(len));
    out.putShort((short) len).putShort((short) type).put(value);
    pad();
    return this;
  }

  NlRequest u32(int type, int value) {
    room(8);
    out.putShort((short) 8).putShort((short) type).putInt(value);
    return this;
  }

  NlRequest u8(int type, int value) {
    return attr(type, new byte[] {(byte) value});
  }

  /** A C string attribute: the bytes and a terminating NUL, as the kernel's NLA_STRING reads them. */
  NlRequest string(int type, String value) {
    byte[] s = value.getBytes(StandardCharsets.UTF_8);
    return attr(type, Arrays.copyOf(s, s.length + 1));
  }

  /** Opens a nested attribute; {@link #end} closes it with the length of what was added. */
  int begin(int type) {
    room(4);
    int at = out.position();
    out.putShort((short) 0).putShort((short) type);
    return at;
  }

  NlRequest end(int at) {
    out.putShort(at, (short) (out.position() - at));
    return this;
  }

  private void pad() {
    while ((out.position() & 3) != 0) {
      out.put((byte) 0);
    }
  }

  static int align(int n) {
    return (n + 3) & ~3;
  }

  /** The finished message with its length and sequence number filled in. */
  byte[] bytes(int seq) {
    int len = out.position();
    byte[] b = Arrays.copyOf(buf, len);
    ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(0, len).putInt(8, seq);
    return b;
  }
}
