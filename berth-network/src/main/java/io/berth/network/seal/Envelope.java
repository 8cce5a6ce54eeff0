package io.berth.network.seal;

import java.nio.ByteBuffer;

/**
 * The wire format of a sealed packet (one UDP datagram per IP packet read from the tun):
 * <pre>
 *   0  version (1)      1  key id (4)      5  session (8)      13  counter (8)
 *  21  AES-256-GCM ciphertext of the inner IP packet, then its 16-byte tag
 * </pre>
 * The 21-byte header is authenticated, not encrypted (additional data), together with the
 * receiver's tunnel address, which is not sent: a packet sealed for one node fails
 * authentication at any other. The nonce is the session's 4-byte salt and the counter, so
 * it is unique as long as a session never repeats a counter, which {@link SendSession}
 * ensures. All numbers big-endian.
 */
final class Envelope {
  static final byte VERSION = 1;
  static final int HEADER = 21;
  static final int TAG = 16;
  static final int OVERHEAD = HEADER + TAG;
  static final int AAD = HEADER + 4;
  static final int NONCE = 12;

  private Envelope() {}

  /** The header at {@code out}'s position (which advances) and the additional data into {@code aad}. */
  static void writeHeader(ByteBuffer out, int keyId, long session, long counter, int receiver, byte[] aad) {
    ByteBuffer a = ByteBuffer.wrap(aad);
    a.put(VERSION).putInt(keyId).putLong(session).putLong(counter).putInt(receiver);
    out.put(aad, 0, HEADER);
  }

  /** The header of a received packet, or null when it is too short or of another version. */
  static Header readHeader(ByteBuffer in) {
    if (in.remaining() < OVERHEAD || in.get(in.position()) != VERSION) {
      return null;
    }
    int p = in.position();
    return new Header(in.getInt(p + 1), in.getLong(p + 5), in.getLong(p + 13));
  }

  /** The additional data a received packet was sealed with, if it was sealed for {@code self}. */
  static void aadOf(ByteBuffer in, int self, byte[] aad) {
    in.get(in.position(), aad, 0, HEADER);
    ByteBuffer.wrap(aad, HEADER, 4).putInt(self);
  }

  record Header(int keyId, long session, long counter) {}
}
