package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Instant;
import java.util.List;

/**
 * The swarm itself (Docker's ClusterInfo, {@code GET /swarm} adds the join tokens): its id, the
 * user's spec, the trust root nodes pin and the issuer they should hold certificates from. There is one, written by {@code swarm init} and
 * {@code swarm update}; the CA's keys live beside it in the store, never in this object.
 * {@code swarm init} also fixes where the allocator takes network subnets from
 * ({@code DefaultAddrPool} in blocks of {@code SubnetSize}, Docker's 10.0.0.0/8 in /24s) and
 * Berth's {@code PublishedPortRange}, and Berth's {@code NetworkKeyRotation}: how often the leader
 * adds a key for encrypted overlays (nanoseconds as Docker's durations; 0 for 12 hours).
 */
public record Cluster(
    @JsonProperty("ID") String id,
    @JsonProperty("Version") Version version,
    @JsonProperty("CreatedAt") @WireTime Instant createdAt,
    @JsonProperty("UpdatedAt") @WireTime Instant updatedAt,
    @JsonProperty("Spec") SwarmSpec spec,
    @JsonProperty("TLSInfo") TlsInfo tlsInfo,
    @JsonProperty("RootRotationInProgress") boolean rootRotationInProgress,
    @JsonProperty("DefaultAddrPool") List<String> defaultAddrPool,
    @JsonProperty("SubnetSize") int subnetSize,
    @JsonProperty("PublishedPortRange") PortRange publishedPortRange,
    @JsonProperty("NetworkKeyRotation") long networkKeyRotation) {
  public static final List<String> DEFAULT_ADDR_POOL = List.of("10.0.0.0/8");
  public static final int DEFAULT_SUBNET_SIZE = 24;
  /** Swarmkit's: a new overlay key every 12 hours. */
  public static final java.time.Duration DEFAULT_NETWORK_KEY_ROTATION = java.time.Duration.ofHours(12);
  public static final java.time.Duration MIN_NETWORK_KEY_ROTATION = java.time.Duration.ofSeconds(1);

  public Cluster {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a cluster needs an ID");
    }
    version = version == null ? Version.ZERO : version;
    spec = spec == null ? SwarmSpec.defaults() : spec;
    tlsInfo = tlsInfo == null ? TlsInfo.NONE : tlsInfo;
    defaultAddrPool = defaultAddrPool == null || defaultAddrPool.isEmpty() ? DEFAULT_ADDR_POOL : List.copyOf(defaultAddrPool);
    subnetSize = subnetSize == 0 ? DEFAULT_SUBNET_SIZE : subnetSize;
    publishedPortRange = publishedPortRange == null ? PortRange.DEFAULT : publishedPortRange;
    if (networkKeyRotation != 0 && networkKeyRotation < MIN_NETWORK_KEY_ROTATION.toNanos()) {
      throw new InvalidArgumentException("NetworkKeyRotation must be at least " + MIN_NETWORK_KEY_ROTATION.toSeconds()
          + "s, not " + networkKeyRotation + "ns");
    }
  }

  /** A cluster with the networking {@code swarm init} chose and the default key rotation. */
  public Cluster(String id, Version version, Instant createdAt, Instant updatedAt, SwarmSpec spec, TlsInfo tlsInfo,
      boolean rootRotationInProgress, List<String> defaultAddrPool, int subnetSize, PortRange publishedPortRange) {
    this(id, version, createdAt, updatedAt, spec, tlsInfo, rootRotationInProgress, defaultAddrPool, subnetSize,
        publishedPortRange, 0);
  }

  /** How often the leader adds a key for encrypted overlays. */
  public java.time.Duration networkKeyRotationPeriod() {
    return networkKeyRotation == 0 ? DEFAULT_NETWORK_KEY_ROTATION : java.time.Duration.ofNanos(networkKeyRotation);
  }

  /** A cluster with Docker's address pool and Berth's default port range. */
  public Cluster(String id, Version version, Instant createdAt, Instant updatedAt, SwarmSpec spec, TlsInfo tlsInfo,
      boolean rootRotationInProgress) {
    this(id, version, createdAt, updatedAt, spec, tlsInfo, rootRotationInProgress, null, 0, null, 0);
  }

  public Cluster withSpec(SwarmSpec value, Instant at) {
    return new Cluster(id, version, createdAt, at, value, tlsInfo, rootRotationInProgress, defaultAddrPool, subnetSize,
        publishedPortRange, networkKeyRotation);
  }

  /** Berth's {@code swarm update --network-key-rotation}: the new period in nanoseconds (0: 12 hours). */
  public Cluster withNetworkKeyRotation(long nanos, Instant at) {
    return new Cluster(id, version, createdAt, at, spec, tlsInfo, rootRotationInProgress, defaultAddrPool, subnetSize,
        publishedPortRange, nanos);
  }

  /** The swarm's root and desired issuer, and whether a root rotation is under way (the CA's writes). */
  public Cluster withTls(TlsInfo value, boolean rotating, Instant at) {
    return new Cluster(id, version, createdAt, at, spec, value, rotating, defaultAddrPool, subnetSize,
        publishedPortRange, networkKeyRotation);
  }
}
