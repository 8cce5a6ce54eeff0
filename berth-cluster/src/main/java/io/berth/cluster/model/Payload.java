package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Instant;

/**
 * A secret or a config as stored and as the Engine API shows it (Docker's Secret and Config
 * objects have the same shape): its id, its version in the store, when it was made and last
 * changed, and its spec. Only the labels of a stored one ever change, as in Docker.
 */
public record Payload(
    @JsonProperty("ID") String id,
    @JsonProperty("Version") Version version,
    @JsonProperty("CreatedAt") @WireTime Instant createdAt,
    @JsonProperty("UpdatedAt") @WireTime Instant updatedAt,
    @JsonProperty("Spec") PayloadSpec spec) {
  public Payload {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a secret or config needs an ID");
    }
    if (spec == null) {
      throw new InvalidArgumentException("secret or config " + id + " needs a Spec");
    }
    version = version == null ? Version.ZERO : version;
  }

  public Payload withSpec(PayloadSpec value, Instant at) {
    return new Payload(id, version, createdAt, at, value);
  }
}
