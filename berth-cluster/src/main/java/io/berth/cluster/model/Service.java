package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Instant;

/**
 * A service (Docker's Service object): the user's spec with its identity and version in the
 * store, and the {@link Endpoint} the allocator wrote for it (published ports, virtual IPs),
 * null until allocated. Each has one writer: a user's update keeps the endpoint it read.
 */
public record Service(
    @JsonProperty("ID") String id,
    @JsonProperty("Version") Version version,
    @JsonProperty("CreatedAt") @WireTime Instant createdAt,
    @JsonProperty("UpdatedAt") @WireTime Instant updatedAt,
    @JsonProperty("Spec") ServiceSpec spec,
    @JsonProperty("Endpoint") Endpoint endpoint) {
  public Service {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a service needs an ID");
    }
    if (spec == null) {
      throw new InvalidArgumentException("service " + id + " needs a Spec");
    }
    version = version == null ? Version.ZERO : version;
  }

  /** A service not allocated yet. */
  public Service(String id, Version version, Instant createdAt, Instant updatedAt, ServiceSpec spec) {
    this(id, version, createdAt, updatedAt, spec, null);
  }

  /** The allocator's write. */
  public Service withEndpoint(Endpoint value) {
    return new Service(id, version, createdAt, updatedAt, spec, value);
  }
}
