package io.berth.network.seal;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;

/**
 * The sending half: seals packets read from the tun under the primary key. It keeps one
 * session at a time and starts a new one when the primary key changes, after
 * {@link #REKEY_AFTER_NANOS} (so a receiver that restarted can bound how old a session it
 * accepts may be: {@link Opener}) and long before the counter could wrap. Owned by the tun's
 * reading thread.
 */
final class Sealer {
  static final long REKEY_AFTER_NANOS = TimeUnit.MINUTES.toNanos(2);
  private static final long MAX_COUNTER = 1L << 60;
  private static final AtomicLong LAST_SESSION = new AtomicLong();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final int self;
  private final Cipher cipher = Opener.aesGcm();
  private final byte[] aad = new byte[Envelope.AAD];
  private SessionKey session;
  private long counter;
  private long started;

  Sealer(int self) {
    this.self = self;
  }

  /**
   * Seals {@code plain} (position to limit) for the node with tunnel address {@code receiver}
   * into {@code out}, ready to send; false when there is no key yet.
   */
  boolean seal(ByteBuffer plain, int receiver, SealKey primary, ByteBuffer out) throws GeneralSecurityException {
    if (primary == null) {
      return false;
    }
    long now = System.nanoTime();
    if (session == null || !session.key.equals(primary) || counter >= MAX_COUNTER || now - started > REKEY_AFTER_NANOS) {
      session = SessionKey.derive(primary, self, nextSession());
      counter = 0;
      started = now;
    }
    long c = ++counter;
    out.clear();
    Envelope.writeHeader(out, primary.id(), session.session, c, receiver, aad);
    cipher.init(Cipher.ENCRYPT_MODE, session.aes(), session.nonce(c));
    cipher.updateAAD(aad);
    cipher.doFinal(plain, out);
    out.flip();
    return true;
  }

  /**
   * A session id: the wall clock's milliseconds over 16 random bits, increasing within this
   * process. Receivers refuse sessions far from their own clock and older than those they
   * have let go, which bounds replays across their restarts and evictions.
   */
  static long nextSession() {
    long candidate = (System.currentTimeMillis() << 16) | (RANDOM.nextInt() & 0xffff);
    return LAST_SESSION.accumulateAndGet(candidate, (last, c) -> Math.max(last + 1, c));
  }

  /** The wall-clock milliseconds a session id was made at. */
  static long millisOf(long session) {
    return session >>> 16;
  }
}
