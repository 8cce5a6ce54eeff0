package io.berth.cluster.ca.keys;

import io.berth.errdefs.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's data-encryption key for secrets (decision 0040): 32 random bytes made at
 * {@code swarm init}, held by every manager in its key directory (encrypted under the unlock key
 * with autolock) and never written to the replicated store. {@link #seal} turns a secret's
 * payload into what the store keeps: AES-256-GCM with a fresh 96-bit nonce, the secret's id as
 * associated data (so a sealed payload cannot be moved to another secret), laid out as one
 * format byte, the nonce, then ciphertext and tag.
 */
public final class SecretsKey {
  public static final int BYTES = 32;
  private static final byte FORMAT = 1;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;

  private SecretsKey(byte[] key) {
    if (key == null || key.length != BYTES) {
      throw new InvalidArgumentException("a secrets key has " + BYTES + " bytes, not "
          + (key == null ? 0 : key.length));
    }
    this.key = key.clone();
  }

  public static SecretsKey generate() {
    byte[] k = new byte[BYTES];
    RANDOM.nextBytes(k);
    return new SecretsKey(k);
  }

  public static SecretsKey of(byte[] bytes) {
    return new SecretsKey(bytes);
  }

  /** The key's bytes, to store it (encrypted or not) or hand it to a new manager over mutual TLS. */
  public byte[] bytes() {
    return key.clone();
  }

  /** {@code plaintext} sealed for the object named {@code owner} (e.g. the secret's id). */
  public byte[] seal(byte[] plaintext, String owner) {
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, nonce, owner);
      byte[] sealed = c.doFinal(plaintext);
      return ByteBuffer.allocate(1 + NONCE + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available to seal a secret", e);
    }
  }

  /**
   * The plaintext of what {@link #seal} made for {@code owner}; an {@link IllegalStateException}
   * when it was sealed under another key, for another owner, or changed since.
   */
  public byte[] open(byte[] sealed, String owner) {
    if (sealed == null || sealed.length < 1 + NONCE + TAG_BITS / 8 || sealed[0] != FORMAT) {
      throw new IllegalStateException("the stored payload of " + owner + " is not a sealed secret (format "
          + (sealed == null || sealed.length == 0 ? "none" : sealed[0]) + ")");
    }
    try {
      Cipher c = cipher(Cipher.DECRYPT_MODE, Arrays.copyOfRange(sealed, 1, 1 + NONCE), owner);
      return c.doFinal(sealed, 1 + NONCE, sealed.length - 1 - NONCE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the stored payload of " + owner
          + " does not open with this manager's secrets key (another swarm's key, or changed)", e);
    }
  }

  private Cipher cipher(int mode, byte[] nonce, String owner) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    c.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretsKey k && MessageDigest.isEqual(k.key, key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "SecretsKey(hidden)";
  }
}
