package io.berth.network.seal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.KDF;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key and nonce salt one sender uses for one session of one network key:
 * HKDF-SHA256 of the key's secret with the key id, the sender's tunnel address and the session
 * id as context. All nodes share the managers' keys, so using a secret directly would make
 * every node count nonces under the same key, and a restarted node count again from zero:
 * GCM's nonce would repeat, which gives away the authentication key. Derived keys differ per
 * sender and per session instead, and a session's counter never repeats.
 */
final class SessionKey {
  private static final byte[] LABEL = "berth-seal-v1".getBytes(StandardCharsets.US_ASCII);
  private static final int KEY_BYTES = 32;
  private static final int SALT_BYTES = 4;

  final SealKey key;
  final long session;
  private final SecretKeySpec aes;
  private final byte[] salt;

  private SessionKey(SealKey key, long session, SecretKeySpec aes, byte[] salt) {
    this.key = key;
    this.session = session;
    this.aes = aes;
    this.salt = salt;
  }

  static SessionKey derive(SealKey key, int sender, long session) {
    byte[] info = ByteBuffer.allocate(16).putInt(key.id()).putInt(sender).putLong(session).array();
    try {
      KDF hkdf = KDF.getInstance("HKDF-SHA256");
      byte[] okm = hkdf.deriveData(HKDFParameterSpec.ofExtract().addIKM(key.secretView()).addSalt(LABEL)
          .thenExpand(info, KEY_BYTES + SALT_BYTES));
      SessionKey k = new SessionKey(key, session, new SecretKeySpec(okm, 0, KEY_BYTES, "AES"),
          Arrays.copyOfRange(okm, KEY_BYTES, KEY_BYTES + SALT_BYTES));
      Arrays.fill(okm, (byte) 0);
      return k;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 is part of every JDK 25: " + e.getMessage(), e);
    }
  }

  SecretKeySpec aes() {
    return aes;
  }

  /** The GCM parameters of packet {@code counter}: salt then counter, a 128-bit tag. */
  GCMParameterSpec nonce(long counter) {
    byte[] n = new byte[Envelope.NONCE];
    System.arraycopy(salt, 0, n, 0, SALT_BYTES);
    ByteBuffer.wrap(n, SALT_BYTES, 8).putLong(counter);
    return new GCMParameterSpec(Envelope.TAG * 8, n);
  }
}
