package io.berth.network.seal;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

/**
 * The receiving half: authenticates and decrypts sealed packets, refusing replays. Each sender
 * session has a {@link ReplayWindow}; a sender's sessions are remembered only once a packet of
 * theirs authenticated (forgeries cost a derivation, never memory), at most
 * {@value #SESSIONS_PER_SENDER} of them, and a session older than one let go is refused as a
 * replay, as is one whose time is more than {@link #HORIZON_MILLIS} from this node's clock
 * (senders start a new session every two minutes, so after a restart of this node an old
 * capture can be replayed only within that horizon). Owned by the socket's reading thread.
 */
final class Opener {
  static final long HORIZON_MILLIS = TimeUnit.MINUTES.toMillis(10);
  static final int SESSIONS_PER_SENDER = 4;

  private final int self;
  private final Cipher cipher = aesGcm();
  private final byte[] aad = new byte[Envelope.AAD];
  private final Map<Integer, Sender> senders = new HashMap<>();

  Opener(int self) {
    this.self = self;
  }

  /**
   * Opens the sealed packet {@code in} from the peer with tunnel address {@code sender} into
   * {@code out} (ready to write to the tun) and says what became of it.
   */
  Outcome open(ByteBuffer in, int sender, KeyRing ring, ByteBuffer out) throws GeneralSecurityException {
    Envelope.Header h = Envelope.readHeader(in);
    if (h == null) {
      return Outcome.DROPPED_MALFORMED;
    }
    SealKey key = ring.get(h.keyId());
    if (key == null) {
      return Outcome.DROPPED_AUTH;
    }
    Sender s = senders.computeIfAbsent(sender, k -> new Sender());
    Received r = s.sessions.get(h.session());
    boolean known = r != null;
    if (!known) {
      if (h.session() <= s.floor || Math.abs(System.currentTimeMillis() - Sealer.millisOf(h.session())) > HORIZON_MILLIS) {
        return Outcome.DROPPED_REPLAY;
      }
      r = new Received(SessionKey.derive(key, sender, h.session()));
    } else if (!r.key.key.equals(key)) {
      return Outcome.DROPPED_AUTH; // the id names another secret now
    }
    if (!r.window.fresh(h.counter())) {
      return Outcome.DROPPED_REPLAY;
    }
    Envelope.aadOf(in, self, aad);
    cipher.init(Cipher.DECRYPT_MODE, r.key.aes(), r.key.nonce(h.counter()));
    cipher.updateAAD(aad);
    in.position(in.position() + Envelope.HEADER);
    out.clear();
    try {
      cipher.doFinal(in, out);
    } catch (AEADBadTagException e) {
      return Outcome.DROPPED_AUTH;
    }
    out.flip();
    r.window.mark(h.counter());
    if (!known) {
      s.remember(h.session(), r);
    }
    return InnerPacket.isIpv4From(out, sender) ? Outcome.RECEIVED : Outcome.DROPPED_PEER;
  }

  /** Forgets the senders that are no peers any more. */
  void retain(PeerTable peers) {
    senders.keySet().retainAll(peers.byTunnel().keySet());
  }

  static Cipher aesGcm() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM is part of every JDK: " + e.getMessage(), e);
    }
  }

  private record Received(SessionKey key, ReplayWindow window) {
    Received(SessionKey key) {
      this(key, new ReplayWindow());
    }
  }

  /** One sender's remembered sessions, by id, and the newest id it let go. */
  private static final class Sender {
    final TreeMap<Long, Received> sessions = new TreeMap<>();
    long floor;

    void remember(long session, Received r) {
      sessions.put(session, r);
      while (sessions.size() > SESSIONS_PER_SENDER) {
        floor = Math.max(floor, sessions.pollFirstEntry().getKey());
      }
    }
  }
}
