package io.berth.network.seal;

import io.berth.errdefs.InvalidArgumentException;
import java.util.Arrays;

/**
 * One key of an encrypted network, as the managers hand them out (swarmkit keeps three and
 * rotates them every 12 hours): an id the packets name it by and its secret, at least 16
 * random bytes. The secret is never used as a cipher key itself: each sender derives a fresh
 * key from it per session ({@link SessionKey}). Copied in and out; never printed.
 */
public record SealKey(int id, byte[] secret) {
  static final int MIN_SECRET = 16;
  static final int MAX_SECRET = 64;

  public SealKey {
    if (secret == null || secret.length < MIN_SECRET || secret.length > MAX_SECRET) {
      throw new InvalidArgumentException("seal key " + id + ": the secret must have " + MIN_SECRET + " to "
          + MAX_SECRET + " bytes, not " + (secret == null ? "none" : secret.length));
    }
    secret = secret.clone();
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }

  /** The secret without a copy, for the derivation only. */
  byte[] secretView() {
    return secret;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SealKey k && k.id == id && Arrays.equals(k.secret, secret);
  }

  @Override
  public int hashCode() {
    return 31 * id + Arrays.hashCode(secret);
  }

  @Override
  public String toString() {
    return "SealKey[id=" + id + "]";
  }
}
