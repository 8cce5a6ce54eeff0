package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Instant;

/**
 * The swarm itself (Docker's ClusterInfo, {@code GET /swarm} adds the join tokens): its id, the
 * user's spec, the trust root nodes pin and the issuer they should hold certificates from. There is one, written by {@code swarm init} and
 * {@code swarm update}; the CA's keys live beside it in the store, never in this object.
 */
public record Cluster(
    @JsonProperty("ID") String id,
    @JsonProperty("Version") Version version,
    @JsonProperty("CreatedAt") @WireTime Instant createdAt,
    @JsonProperty("UpdatedAt") @WireTime Instant updatedAt,
    @JsonProperty("Spec") SwarmSpec spec,
    @JsonProperty("TLSInfo") TlsInfo tlsInfo,
    @JsonProperty("RootRotationInProgress") boolean rootRotationInProgress) {
  public Cluster {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a cluster needs an ID");
    }
    version = version == null ? Version.ZERO : version;
    spec = spec == null ? SwarmSpec.defaults() : spec;
    tlsInfo = tlsInfo == null ? TlsInfo.NONE : tlsInfo;
  }

  public Cluster withSpec(SwarmSpec value, Instant at) {
    return new Cluster(id, version, createdAt, at, value, tlsInfo, rootRotationInProgress);
  }

  /** The swarm's root and desired issuer, and whether a root rotation is under way (the CA's writes). */
  public Cluster withTls(TlsInfo value, boolean rotating, Instant at) {
    return new Cluster(id, version, createdAt, at, spec, value, rotating);
  }
}
