package io.berth.network.seal;

import java.nio.ByteBuffer;

/** The few fields of an inner IPv4 packet the underlay routes and checks by. */
final class InnerPacket {
  private static final int MIN_HEADER = 20;

  private InnerPacket() {}

  /** The destination of the IPv4 packet at {@code p}'s position, or 0 when it is none. */
  static int ipv4Destination(ByteBuffer p) {
    return isIpv4(p) ? p.getInt(p.position() + 16) : 0;
  }

  /** Whether the packet at {@code p}'s position is IPv4 from {@code source}. */
  static boolean isIpv4From(ByteBuffer p, int source) {
    return isIpv4(p) && p.getInt(p.position() + 12) == source;
  }

  private static boolean isIpv4(ByteBuffer p) {
    return p.remaining() >= MIN_HEADER && (p.get(p.position()) & 0xf0) == 0x40;
  }
}
