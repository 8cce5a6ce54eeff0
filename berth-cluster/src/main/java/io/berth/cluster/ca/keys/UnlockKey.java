package io.berth.cluster.ca.keys;

import io.berth.errdefs.InvalidArgumentException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The key-encrypting key of a locked (autolock) swarm, in Docker's text form {@code SWMKEY-1-}
 * followed by the 32 key bytes in unpadded standard base64. Only the user holds it; a manager
 * restarted with autolock on cannot read its node key, and so cannot join the cluster, until it
 * is given this key ({@code docker swarm unlock}).
 */
public final class UnlockKey {
  static final String PREFIX = "SWMKEY-1-";
  static final int BYTES = 32;
  private final byte[] key;

  private UnlockKey(byte[] key) {
    this.key = key.clone();
  }

  /** A fresh random key. */
  public static UnlockKey generate(SecureRandom random) {
    byte[] k = new byte[BYTES];
    random.nextBytes(k);
    return new UnlockKey(k);
  }

  /** Reads the text form, refusing it with the reason. */
  public static UnlockKey parse(String text) {
    if (text == null || !text.trim().startsWith(PREFIX)) {
      throw new InvalidArgumentException("invalid unlock key: it must start with \"" + PREFIX + "\"");
    }
    byte[] k;
    try {
      k = Base64.getDecoder().decode(text.trim().substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("invalid unlock key: the part after " + PREFIX + " is not base64");
    }
    if (k.length != BYTES) {
      throw new InvalidArgumentException("invalid unlock key: it holds " + k.length + " bytes, expected " + BYTES);
    }
    return new UnlockKey(k);
  }

  /** The text the user is shown ({@code docker swarm unlock-key}). */
  public String render() {
    return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(key);
  }

  /**
   * The passphrase the node key is encrypted under. PBES2 takes characters, so the key's base64
   * text is used: deterministic, and all 256 bits of the key.
   */
  char[] passphrase() {
    return Base64.getEncoder().withoutPadding().encodeToString(key).toCharArray();
  }

  /** The key's 32 bytes, to seal the secrets key file with ({@link SecretsKeyFile}). */
  byte[] bytes() {
    return key.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UnlockKey other && MessageDigest.isEqual(key, other.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return PREFIX + "(hidden)";
  }
}
