package io.berth.cluster.dispatcher;

import io.berth.cluster.testing.ManualClock;
import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.EcKeys;
import io.berth.cluster.ca.JoinTokens;
import io.berth.cluster.ca.NodeCertificate;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.raft.RaftMember;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoredCa;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One manager's dispatcher over an in-memory store, with a real CA, real join tokens and real
 * TLS on loopback: what every dispatcher test starts from.
 */
final class DispatcherFixture implements AutoCloseable {
  static final Duration PERIOD = Duration.ofSeconds(1);
  final ManualClock clock = new ManualClock(Instant.now());
  final ClusterState state = new ClusterState(new MemoryClusterStore());
  final SecureRandom random = new SecureRandom();
  final ClusterCa ca;
  final JoinTokens tokens;
  final List<RaftMember> raftAdded = new ArrayList<>();
  final DispatcherServer server;
  /** The manager's own credentials (its dispatcher serves with them). */
  final NodeCredentials managerCredentials;

  DispatcherFixture() {
    this(Leadership.ALWAYS);
  }

  DispatcherFixture(Leadership leadership) {
    ca = ClusterCa.create("cluster1", clock);
    tokens = JoinTokens.generate(ca.digest(), random);
    Instant now = clock.instant();
    SwarmSpec spec = new SwarmSpec(null, null, null, new SwarmSpec.Dispatcher(PERIOD.toNanos()), null, null);
    state.batch()
        .create(StoredCa.of(ca.state(), tokens))
        .create(new Cluster("cluster1", null, now, now, spec, io.berth.cluster.ca.rotation.TlsInfos.ofCluster(ca), false))
        .apply();
    ManagerMembership membership = new ManagerMembership() {
      @Override
      public String groupId() {
        return "00000000-0000-0000-0000-000000000001";
      }

      @Override
      public List<RaftMember> members() {
        return List.of(new RaftMember("manager1", "127.0.0.1:2378"));
      }

      @Override
      public void add(RaftMember member) {
        raftAdded.add(member);
      }
    };
    managerCredentials = credentials(ca, "manager1", NodeRole.MANAGER);
    server = new DispatcherServer(state, managerCredentials, leadership,
        membership, clock, new InetSocketAddress("127.0.0.1", 0)).start();
  }

  /** Another manager's dispatcher over the same store, leading or not as {@code leadership} says. */
  /** The first assignment set {@code q} receives that is {@code wanted}, within {@code wait}. */
  static java.util.List<io.berth.cluster.model.Task> awaitSet(
      java.util.concurrent.BlockingQueue<java.util.List<io.berth.cluster.model.Task>> q,
      java.util.function.Predicate<java.util.List<io.berth.cluster.model.Task>> wanted, Duration wait)
      throws InterruptedException {
    long until = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < until) {
      var got = q.poll(until - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS);
      if (got != null && wanted.test(got)) {
        return got;
      }
    }
    throw new AssertionError("no assignment set as wanted within " + wait);
  }

  DispatcherServer another(Leadership leadership) {
    return new DispatcherServer(state, credentials(ca, "manager2", NodeRole.MANAGER), leadership, null, clock,
        new InetSocketAddress("127.0.0.1", 0)).start();
  }

  /** A worker joined with the fixture's worker token, describing itself as {@code desc}. */
  NodeCredentials joinWorker(io.berth.cluster.model.NodeDescription desc) {
    return new NodeCredentials(DispatcherClient.join(managers(), tokens.worker().render(), desc, null, clock).material());
  }

  List<String> managers() {
    return List.of("127.0.0.1:" + server.port());
  }

  /** Credentials for {@code nodeId} signed by {@code authority} (this cluster's or another's). */
  static NodeCredentials credentials(ClusterCa authority, String nodeId, NodeRole role) {
    KeyPair keys = EcKeys.generate(new SecureRandom());
    NodeCertificate cert = authority.issue(keys.getPublic(), nodeId, role);
    return new NodeCredentials(new NodeCredentials.Material(keys.getPrivate(), cert, authority.trustedRoots(),
        authority.clusterId()));
  }

  @Override
  public void close() {
    server.close();
  }
}
