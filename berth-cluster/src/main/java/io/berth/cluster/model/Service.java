package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Instant;

/** A service (Docker's Service object): the user's spec with its identity and version in the store. */
public record Service(
    @JsonProperty("ID") String id,
    @JsonProperty("Version") Version version,
    @JsonProperty("CreatedAt") @WireTime Instant createdAt,
    @JsonProperty("UpdatedAt") @WireTime Instant updatedAt,
    @JsonProperty("Spec") ServiceSpec spec) {
  public Service {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a service needs an ID");
    }
    if (spec == null) {
      throw new InvalidArgumentException("service " + id + " needs a Spec");
    }
    version = version == null ? Version.ZERO : version;
  }
}
