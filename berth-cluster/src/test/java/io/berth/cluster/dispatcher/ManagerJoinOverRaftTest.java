package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.JoinTokens;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.tls.ClusterTls;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.Platform;
import io.berth.cluster.raft.RaftClusterStore;
import io.berth.cluster.raft.RaftMember;
import io.berth.cluster.raft.RaftStoreConfig;
import io.berth.cluster.raft.RaftTls;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoredCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manager joins for real: the first manager runs a one-member Raft group and its dispatcher;
 * the newcomer joins with the manager token, starts its Raft member with the group the answer
 * names, over its new certificate, and asks to be added; then it holds the cluster's state.
 */
class ManagerJoinOverRaftTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();

  @Test
  void aJoiningManagerBecomesARaftMemberAndReceivesTheState() throws Exception {
    ClusterCa ca = ClusterCa.create("cluster1", clock);
    NodeCredentials m1Creds = DispatcherFixture.credentials(ca, "manager1", NodeRole.MANAGER);
    UUID group = UUID.randomUUID();
    RaftMember m1 = new RaftMember("manager1", "127.0.0.1:" + freePort());
    try (RaftClusterStore store1 = RaftClusterStore.start(config(m1, group, List.of(m1), "m1", m1Creds))) {
      await("manager1 leading", store1::isLeader);
      ClusterState state = new ClusterState(store1);
      JoinTokens tokens = JoinTokens.generate(ca.digest(), new SecureRandom());
      Instant now = clock.instant();
      state.batch().create(StoredCa.of(ca.state(), tokens))
          .create(new Cluster("cluster1", null, now, now, null, io.berth.cluster.ca.rotation.TlsInfos.ofCluster(ca), false)).apply();
      ManagerMembership membership = ManagerMembership.of(store1, group);
      try (DispatcherServer server = new DispatcherServer(state, m1Creds, Leadership.of(store1), membership, clock,
          new InetSocketAddress("127.0.0.1", 0)).start()) {
        String addr1 = "127.0.0.1:" + server.port();
        state.batch().create(new Node("manager1", null, now, now, null, null, null)
            .withManagerStatus(new ManagerStatus(false, ManagerStatus.Reachability.REACHABLE, addr1))).apply();

        NodeDescription desc = new NodeDescription("m2-host", new Platform("x86_64", "linux"), null, null);
        DispatcherClient.Joined joined = DispatcherClient.join(List.of(addr1), tokens.manager().render(), desc,
            "127.0.0.1:4377", clock);
        assertThat(joined.managers()).contains(addr1, "127.0.0.1:4377");
        Messages.RaftGroup raft = joined.raft().orElseThrow();
        assertThat(raft.id()).isEqualTo(group.toString());

        NodeCredentials m2Creds = new NodeCredentials(joined.material());
        RaftMember m2 = new RaftMember(joined.nodeId(), "127.0.0.1:" + freePort());
        List<RaftMember> peers = new ArrayList<>(raft.members().stream()
            .map(p -> new RaftMember(p.id(), p.addr())).toList());
        peers.add(m2);
        try (RaftClusterStore store2 = RaftClusterStore.start(
            config(m2, UUID.fromString(raft.id()), peers, "m2", m2Creds))) {
          DispatcherClient.joinRaft(List.of(addr1), m2Creds, m2.address(), clock);

          assertThat(store1.members()).extracting(RaftMember::id).contains(joined.nodeId());
          ClusterState state2 = new ClusterState(store2);
          await("the new manager holding the cluster's state", () -> state2.node(joined.nodeId()).isPresent()
              && state2.ca().isPresent());
          assertThat(state2.node(joined.nodeId()).orElseThrow().managerStatus().addr()).isEqualTo("127.0.0.1:4377");
        }
      }
    }
  }

  private RaftStoreConfig config(RaftMember self, UUID group, List<RaftMember> peers, String sub,
      NodeCredentials creds) {
    ClusterTls tls = new ClusterTls(creds, clock);
    return RaftStoreConfig.of(self, group, peers, dir.resolve(sub))
        .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300))
        .withTls(new RaftTls(tls.keyManager(), tls.trustManager(java.util.Set.of(NodeRole.MANAGER))));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError(what + " did not happen within " + WAIT);
      }
      Thread.sleep(50);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
