package io.berth.daemon.swarm;

import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.tls.ClusterTls;
import io.berth.cluster.raft.RaftClusterStore;
import io.berth.cluster.raft.RaftMember;
import io.berth.cluster.raft.RaftStoreConfig;
import io.berth.cluster.raft.RaftTls;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.UnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * A manager's member of the replicated store on this node: the Raft member (over the cluster's
 * mutual TLS, managers' certificates only) and the typed state over it. Raft listens on the
 * swarm listen port plus one at the advertised host (decision 0036), so one address names a
 * manager for both the dispatcher and Raft.
 */
final class ManagerRuntime implements AutoCloseable {
  private final RaftClusterStore store;
  private final ClusterState state;

  private ManagerRuntime(RaftClusterStore store) {
    this.store = store;
    this.state = new ClusterState(store);
  }

  /**
   * Starts this node's member. {@code peers} (including this member) matter only the first time,
   * when the storage is formatted; a restart recovers the membership from the log.
   */
  static ManagerRuntime start(SwarmFiles files, String nodeId, String clusterId, String advertiseAddr,
      List<RaftMember> peers, ClusterTls tls) {
    RaftMember self = new RaftMember(nodeId, raftAddress(advertiseAddr));
    List<RaftMember> all = peers.stream().anyMatch(p -> p.id().equals(nodeId)) ? peers
        : java.util.stream.Stream.concat(peers.stream(), java.util.stream.Stream.of(self)).toList();
    RaftStoreConfig config = RaftStoreConfig.of(self, groupOf(clusterId), all, files.raftDir())
        .withTls(new RaftTls(tls.keyManager(), tls.trustManager(Set.of(NodeRole.MANAGER))));
    return new ManagerRuntime(RaftClusterStore.start(config));
  }

  /** The Raft group of a cluster: a UUID named by the cluster id, so every manager derives the same one. */
  static UUID groupOf(String clusterId) {
    return UUID.nameUUIDFromBytes(("berth-swarm-" + clusterId).getBytes(StandardCharsets.UTF_8));
  }

  /** Raft's address for a manager advertised at {@code host:port}: the same host, the next port. */
  static String raftAddress(String advertiseAddr) {
    HostPort hp = HostPort.parse(advertiseAddr, "advertise address");
    return hp.withPort(hp.port() + 1).toString();
  }

  RaftClusterStore store() {
    return store;
  }

  ClusterState state() {
    return state;
  }

  RaftMember self() {
    return store.members().stream().filter(m -> m.id().equals(store.id())).findFirst()
        .orElse(new RaftMember(store.id(), "?"));
  }

  /** Waits (bounded) until this member leads; a lone member elects itself within a few timeouts. */
  void awaitLeadership(Duration timeout) throws InterruptedException {
    awaitTrue(store::isLeader, timeout, "this manager did not become the Raft leader");
  }

  static void awaitTrue(BooleanSupplier condition, Duration timeout, String failure) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new UnavailableException(failure + " within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() {
    store.close();
  }
}
