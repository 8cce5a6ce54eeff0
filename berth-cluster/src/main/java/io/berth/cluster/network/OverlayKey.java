package io.berth.cluster.network;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.cluster.model.WireTime;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Instant;
import java.util.Arrays;

/**
 * One key of the encrypted overlays as the managers keep it: an id (one more than the key before
 * it, so ids order keys by age), 32 random bytes, and when the leader made it. Compared by value,
 * never printed.
 */
public record OverlayKey(
    @JsonProperty("ID") int id,
    @JsonProperty("Secret") byte[] secret,
    @JsonProperty("CreatedAt") @WireTime Instant createdAt) {
  public static final int SECRET_BYTES = 32;

  public OverlayKey {
    if (id < 1) {
      throw new InvalidArgumentException("overlay key id must be at least 1, not " + id);
    }
    if (secret == null || secret.length != SECRET_BYTES) {
      throw new InvalidArgumentException("overlay key " + id + " needs a secret of " + SECRET_BYTES + " bytes");
    }
    if (createdAt == null) {
      throw new InvalidArgumentException("overlay key " + id + " needs its creation time");
    }
    secret = secret.clone();
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OverlayKey k && k.id == id && Arrays.equals(k.secret, secret) && k.createdAt.equals(createdAt);
  }

  @Override
  public int hashCode() {
    return 31 * id + Arrays.hashCode(secret);
  }

  @Override
  public String toString() {
    return "OverlayKey[id=" + id + ", createdAt=" + createdAt + "]";
  }
}
