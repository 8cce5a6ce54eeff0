package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Instant;

/**
 * A service (Docker's Service object): the user's spec with its identity and version in the
 * store, and the {@link Endpoint} the allocator wrote for it (published ports, virtual IPs),
 * null until allocated. Each has one writer: a user's update keeps the endpoint it read; the
 * {@link UpdateStatus} is set by a user's update (or rollback) and carried on by the
 * orchestrator; {@link #previousSpec} is the spec before the last update, for a rollback.
 */
public record Service(
    @JsonProperty("ID") String id,
    @JsonProperty("Version") Version version,
    @JsonProperty("CreatedAt") @WireTime Instant createdAt,
    @JsonProperty("UpdatedAt") @WireTime Instant updatedAt,
    @JsonProperty("Spec") ServiceSpec spec,
    @JsonProperty("Endpoint") Endpoint endpoint,
    @JsonProperty("UpdateStatus") UpdateStatus updateStatus,
    @JsonProperty("PreviousSpec") ServiceSpec previousSpec) {
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
    this(id, version, createdAt, updatedAt, spec, null, null, null);
  }

  /** A service that was never updated. */
  public Service(String id, Version version, Instant createdAt, Instant updatedAt, ServiceSpec spec, Endpoint endpoint) {
    this(id, version, createdAt, updatedAt, spec, endpoint, null, null);
  }

  /** The allocator's write. */
  public Service withEndpoint(Endpoint value) {
    return new Service(id, version, createdAt, updatedAt, spec, value, updateStatus, previousSpec);
  }

  /** The orchestrator's write: where the rolling update stands. */
  public Service withUpdateStatus(UpdateStatus value) {
    return new Service(id, version, createdAt, updatedAt, spec, endpoint, value, previousSpec);
  }
}
