package io.berth.cluster.raft;

import io.berth.errdefs.InvalidArgumentException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * How one manager runs its member of the Raft group.
 *
 * @param self this manager
 * @param cluster the group's id (one per swarm; the same on every manager)
 * @param peers the members this one starts with, itself included: only itself at swarm init; the
 *     current members and itself when joining; at a restart the members are recovered from the
 *     storage directory and this list only seeds a member that has none stored
 * @param storageDir where the log, the snapshots and the stored configuration live
 * @param writeTimeout how long a write may wait for a leader to commit it before it fails with
 *     the quorum error
 * @param electionTimeout the shortest time a follower waits without a leader before it stands
 *     for election (the longest is twice that)
 * @param snapshotEvery a snapshot is taken after this many log entries, and the log before it
 *     purged
 * @param tls mutual TLS for the transport; empty for plain TCP (tests on loopback only)
 */
public record RaftStoreConfig(
    RaftMember self,
    UUID cluster,
    List<RaftMember> peers,
    Path storageDir,
    Duration writeTimeout,
    Duration electionTimeout,
    long snapshotEvery,
    Optional<RaftTls> tls) {

  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_ELECTION_TIMEOUT = Duration.ofMillis(1000);
  public static final long DEFAULT_SNAPSHOT_EVERY = 10_000;

  public RaftStoreConfig {
    peers = List.copyOf(peers);
    if (peers.stream().noneMatch(p -> p.id().equals(self.id()))) {
      throw new InvalidArgumentException("raft member " + self.id() + " is not among its peers " + peers);
    }
    if (writeTimeout.isNegative() || writeTimeout.isZero()
        || electionTimeout.isNegative() || electionTimeout.isZero()) {
      throw new InvalidArgumentException("raft timeouts must be positive");
    }
    if (snapshotEvery < 1) {
      throw new InvalidArgumentException("raft snapshot interval must be positive: " + snapshotEvery);
    }
  }

  /** A member with the default timeouts and snapshot interval and no TLS. */
  public static RaftStoreConfig of(RaftMember self, UUID cluster, List<RaftMember> peers, Path storageDir) {
    return new RaftStoreConfig(self, cluster, peers, storageDir, DEFAULT_WRITE_TIMEOUT,
        DEFAULT_ELECTION_TIMEOUT, DEFAULT_SNAPSHOT_EVERY, Optional.empty());
  }

  public RaftStoreConfig withTimeouts(Duration write, Duration election) {
    return new RaftStoreConfig(self, cluster, peers, storageDir, write, election, snapshotEvery, tls);
  }

  public RaftStoreConfig withSnapshotEvery(long entries) {
    return new RaftStoreConfig(self, cluster, peers, storageDir, writeTimeout, electionTimeout, entries, tls);
  }

  public RaftStoreConfig withTls(RaftTls t) {
    return new RaftStoreConfig(self, cluster, peers, storageDir, writeTimeout, electionTimeout,
        snapshotEvery, Optional.of(t));
  }
}
