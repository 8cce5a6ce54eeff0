package io.berth.network.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.Ipv4;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sealing and opening packets without a kernel: authentication, replays, key rotation, sessions. */
class SealCryptoTest {
  private static final int A = Ipv4.parse("100.64.3.1");
  private static final int B = Ipv4.parse("100.64.3.2");
  private static final int C = Ipv4.parse("100.64.3.3");
  private static final SealKey K1 = key(1, 0x11);
  private static final SealKey K2 = key(2, 0x22);

  static SealKey key(int id, int fill) {
    byte[] s = new byte[32];
    java.util.Arrays.fill(s, (byte) fill);
    return new SealKey(id, s);
  }

  /** A minimal IPv4 packet from {@code src} to {@code dst} carrying {@code text}. */
  static ByteBuffer packet(int src, int dst, String text) {
    byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer p = ByteBuffer.allocate(20 + payload.length);
    p.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putInt(0).put((byte) 64).put((byte) 17)
        .putShort((short) 0).putInt(src).putInt(dst).put(payload);
    return p.flip();
  }

  private static ByteBuffer seal(Sealer s, ByteBuffer plain, int receiver, SealKey primary) throws Exception {
    ByteBuffer out = ByteBuffer.allocate(plain.remaining() + Envelope.OVERHEAD);
    assertThat(s.seal(plain.duplicate(), receiver, primary, out)).isTrue();
    return out;
  }

  private static Outcome open(Opener o, ByteBuffer sealed, int sender, KeyRing ring, ByteBuffer out) throws Exception {
    return o.open(sealed.duplicate(), sender, ring, out);
  }

  @Test
  void aSealedPacketOpensOnceAtItsReceiverOnly() throws Exception {
    ByteBuffer plain = packet(A, B, "marker-0123456789");
    ByteBuffer sealed = seal(new Sealer(A), plain, B, K1);
    assertThat(new String(sealed.array(), StandardCharsets.ISO_8859_1)).doesNotContain("marker");
    KeyRing ring = KeyRing.of(List.of(K1), 1);
    Opener atB = new Opener(B);
    ByteBuffer out = ByteBuffer.allocate(2048);
    assertThat(open(atB, sealed, A, ring, out)).isEqualTo(Outcome.RECEIVED);
    assertThat(out).isEqualTo(plain);
    assertThat(open(atB, sealed, A, ring, out)).isEqualTo(Outcome.DROPPED_REPLAY);
    // the receiver's address is authenticated: C cannot take B's packet
    assertThat(open(new Opener(C), sealed, A, ring, out)).isEqualTo(Outcome.DROPPED_AUTH);
    // nor can B take it as from C (the sender's address goes into the session key)
    assertThat(open(new Opener(B), sealed, C, ring, out)).isEqualTo(Outcome.DROPPED_AUTH);
  }

  @Test
  void anyChangedByteFailsAuthentication() throws Exception {
    ByteBuffer sealed = seal(new Sealer(A), packet(A, B, "hello"), B, K1);
    KeyRing ring = KeyRing.of(List.of(K1), 1);
    for (int i = 1; i < sealed.limit(); i++) { // byte 0 is the version: a changed one is malformed
      ByteBuffer t = ByteBuffer.allocate(sealed.limit()).put(sealed.duplicate()).flip();
      t.put(i, (byte) (t.get(i) ^ 0x04));
      Outcome o = open(new Opener(B), t, A, ring, ByteBuffer.allocate(2048));
      assertThat(o).as("byte %d changed", i).isIn(Outcome.DROPPED_AUTH, Outcome.DROPPED_REPLAY);
    }
    ByteBuffer t = ByteBuffer.allocate(sealed.limit()).put(sealed.duplicate()).flip();
    t.put(0, (byte) 9);
    assertThat(open(new Opener(B), t, A, ring, ByteBuffer.allocate(2048))).isEqualTo(Outcome.DROPPED_MALFORMED);
  }

  @Test
  void keysOutsideTheSetAreRefusedAndRotationKeepsTheOldOneOpen() throws Exception {
    Sealer a = new Sealer(A);
    Opener b = new Opener(B);
    ByteBuffer out = ByteBuffer.allocate(2048);
    ByteBuffer old = seal(a, packet(A, B, "one"), B, K1);
    ByteBuffer rotated = seal(a, packet(A, B, "two"), B, K2);
    assertThat(rotated.get(4)).isEqualTo((byte) 2); // the key id in the header
    KeyRing both = KeyRing.of(List.of(K1, K2), 2);
    assertThat(open(b, old, A, both, out)).isEqualTo(Outcome.RECEIVED);
    assertThat(open(b, rotated, A, both, out)).isEqualTo(Outcome.RECEIVED);
    ByteBuffer again = seal(a, packet(A, B, "three"), B, K1);
    assertThat(open(b, again, A, KeyRing.of(List.of(K2), 2), out)).isEqualTo(Outcome.DROPPED_AUTH);
    // the same id naming another secret is another key
    assertThat(open(b, again, A, KeyRing.of(List.of(key(1, 0x33)), 1), out)).isEqualTo(Outcome.DROPPED_AUTH);
  }

  @Test
  void twoSendersUnderOneKeyNeverShareANonceKey() throws Exception {
    ByteBuffer fromA = seal(new Sealer(A), packet(A, C, "same"), C, K1);
    ByteBuffer fromB = seal(new Sealer(B), packet(A, C, "same"), C, K1);
    // both are packet 1 of their session; the ciphertexts differ because the keys do
    assertThat(fromA.getLong(13)).isEqualTo(1).isEqualTo(fromB.getLong(13));
    assertThat(fromA.slice(Envelope.HEADER, 24)).isNotEqualTo(fromB.slice(Envelope.HEADER, 24));
  }

  @Test
  void anInnerSourceOtherThanTheSendersIsRefused() throws Exception {
    ByteBuffer spoofed = seal(new Sealer(A), packet(C, B, "spoof"), B, K1);
    assertThat(open(new Opener(B), spoofed, A, KeyRing.of(List.of(K1), 1), ByteBuffer.allocate(2048)))
        .isEqualTo(Outcome.DROPPED_PEER);
  }

  @Test
  void aSessionLetGoCannotBeReplayed() throws Exception {
    KeyRing ring = KeyRing.of(List.of(K1), 1);
    Opener b = new Opener(B);
    ByteBuffer out = ByteBuffer.allocate(2048);
    ByteBuffer first = seal(new Sealer(A), packet(A, B, "first"), B, K1);
    assertThat(open(b, first, A, ring, out)).isEqualTo(Outcome.RECEIVED);
    for (int i = 0; i < Opener.SESSIONS_PER_SENDER; i++) { // A restarting: a new session each time
      assertThat(open(b, seal(new Sealer(A), packet(A, B, "later"), B, K1), A, ring, out)).isEqualTo(Outcome.RECEIVED);
    }
    assertThat(open(b, first, A, ring, out)).isEqualTo(Outcome.DROPPED_REPLAY);
  }

  @Test
  void theWindowTakesReorderedCountersOnceAndRefusesTooOldOnes() {
    ReplayWindow w = new ReplayWindow();
    for (long c : new long[] {1, 3, 2, 100, 50}) {
      assertThat(w.fresh(c)).as("counter %d", c).isTrue();
      w.mark(c);
      assertThat(w.fresh(c)).isFalse();
    }
    assertThat(w.fresh(99)).isTrue();
    assertThat(w.fresh(0)).isFalse();
    long far = 100 + ReplayWindow.WINDOW + 5000;
    w.mark(far);
    assertThat(w.fresh(100)).isFalse();
    assertThat(w.fresh(far - ReplayWindow.WINDOW + 1)).isTrue();
    assertThat(w.fresh(far - ReplayWindow.WINDOW)).isFalse();
  }

  @Test
  void badKeySetsArRefusedByName() {
    assertThatThrownBy(() -> KeyRing.of(List.of(K1), 2)).isInstanceOf(InvalidArgumentException.class)
        .hasMessage("seal keys: the primary key 2 is not among the keys [1]");
    assertThatThrownBy(() -> KeyRing.of(List.of(K1, key(1, 5)), 1)).hasMessageContaining("key id 1 appears twice");
    assertThatThrownBy(() -> new SealKey(3, new byte[8])).hasMessageContaining("16 to 64 bytes, not 8");
    assertThat(K1.toString()).doesNotContain("17");
  }
}
