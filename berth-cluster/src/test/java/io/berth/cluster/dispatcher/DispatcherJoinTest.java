package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.JoinTokens;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.Platform;
import io.berth.cluster.raft.RaftMember;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnauthorizedException;
import io.berth.errdefs.UnavailableException;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Joining over real TLS: the token admits, the CA is pinned, strangers are refused and nothing is half made. */
class DispatcherJoinTest {
  private final DispatcherFixture f = new DispatcherFixture();
  private final NodeDescription desc = new NodeDescription("worker-host", new Platform("x86_64", "linux"), null, null);

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void aWorkerTokenAdmitsAWorkerAndRecordsItsNode() {
    DispatcherClient.Joined joined = DispatcherClient.join(f.managers(), f.tokens.worker().render(), desc, null, f.clock);

    assertThat(joined.role()).isEqualTo(NodeRole.WORKER);
    assertThat(joined.certificate().identity().nodeId()).isEqualTo(joined.nodeId());
    assertThat(joined.certificate().identity().role()).isEqualTo(NodeRole.WORKER);
    assertThat(joined.clusterId()).isEqualTo("cluster1");
    assertThat(joined.trustedRoots()).isEqualTo(f.ca.trustedRoots());
    assertThat(joined.raft()).isEmpty();
    Node node = f.state.node(joined.nodeId()).orElseThrow();
    assertThat(node.spec().role()).isEqualTo(NodeRole.WORKER);
    assertThat(node.spec().availability()).isEqualTo(NodeAvailability.ACTIVE);
    assertThat(node.description().hostname()).isEqualTo("worker-host");
    assertThat(node.status().addr()).isEqualTo("127.0.0.1");
    assertThat(node.managerStatus()).isNull();
  }

  @Test
  void aManagerTokenAdmitsAManagerThatThenJoinsTheRaftGroup() {
    DispatcherClient.Joined joined = DispatcherClient.join(f.managers(), f.tokens.manager().render(), desc,
        "127.0.0.1:4377", f.clock);

    assertThat(joined.certificate().identity().role()).isEqualTo(NodeRole.MANAGER);
    assertThat(joined.raft().orElseThrow().members()).extracting(Messages.RaftPeer::id).containsExactly("manager1");
    assertThat(f.state.node(joined.nodeId()).orElseThrow().managerStatus())
        .isEqualTo(new ManagerStatus(false, ManagerStatus.Reachability.REACHABLE, "127.0.0.1:4377"));
    assertThat(f.raftAdded).isEmpty();

    io.berth.cluster.ca.keys.SecretsKey key = io.berth.cluster.ca.keys.SecretsKey.generate();
    f.state.useSecretsKey(key);
    // the group took it, and it was handed the secrets key (over the managers' mutual TLS only)
    assertThat(DispatcherClient.joinRaft(f.managers(), new NodeCredentials(joined.material()), "127.0.0.1:4378",
        f.clock)).contains(key);
    assertThat(f.raftAdded).containsExactly(new RaftMember(joined.nodeId(), "127.0.0.1:4378"));
  }

  @Test
  void aRotatedOrGarbageTokenIsRefusedWithDockersTextAndNothingIsWritten() {
    String old = f.tokens.worker().render();
    f.state.batch().update(f.state.ca().orElseThrow().withJoinTokens(f.tokens.rotate(NodeRole.WORKER, f.random)))
        .apply();
    long before = f.state.store().index();

    assertThatThrownBy(() -> DispatcherClient.join(f.managers(), old, desc, null, f.clock))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith(JoinTokens.INVALID);
    // a well-formed token of this CA whose secret was never issued
    String forged = old.substring(0, old.length() - 25) + "0".repeat(25);
    assertThatThrownBy(() -> DispatcherClient.join(f.managers(), forged, desc, null, f.clock))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith(JoinTokens.INVALID);
    assertThatThrownBy(() -> DispatcherClient.join(f.managers(), "SWMTKN-1-garbage", desc, null, f.clock))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("invalid join token");

    assertThat(f.state.nodes()).isEmpty();
    assertThat(f.state.store().index()).isEqualTo(before);
  }

  @Test
  void aServerWhoseCaDoesNotMatchTheTokenIsRefusedByTheJoiningNode() {
    ClusterCa other = ClusterCa.create("cluster2", Clock.systemUTC());
    String tokenOfOther = JoinTokens.generate(other.digest(), f.random).worker().render();

    assertThatThrownBy(() -> DispatcherClient.join(f.managers(), tokenOfOther, desc, null, f.clock))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("remote CA does not match fingerprint");
    assertThat(f.state.nodes()).isEmpty();
  }

  @Test
  void aCertificateOfAnotherClusterIsRefusedAtTheHandshake() {
    // the stranger trusts this cluster's root (so it would accept the manager), but its own
    // certificate comes from another CA
    ClusterCa other = ClusterCa.create("cluster1", Clock.systemUTC());
    NodeCredentials foreign = DispatcherFixture.credentials(other, "intruder", NodeRole.MANAGER);
    foreign.update(new NodeCredentials.Material(foreign.current().key(), foreign.current().certificate(),
        f.ca.trustedRoots(), "cluster1"));

    assertThatThrownBy(() -> DispatcherClient.joinRaft(f.managers(), foreign, "127.0.0.1:9", f.clock))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("BAD_CERTIFICATE");
    assertThat(f.raftAdded).isEmpty();
    // and a node of another cluster refuses this cluster's manager, saying why
    NodeCredentials stranger = DispatcherFixture.credentials(other, "stranger", NodeRole.WORKER);
    assertThatThrownBy(() -> DispatcherClient.joinRaft(f.managers(), stranger, "127.0.0.1:9", f.clock))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("is not signed by this cluster's root CA");

    // the same call with a genuine certificate reaches the handler, which refuses a worker
    NodeCredentials worker = DispatcherFixture.credentials(f.ca, "worker1", NodeRole.WORKER);
    f.state.batch().create(new Node("worker1", null, null, null, null, null, null)).apply();
    assertThatThrownBy(() -> DispatcherClient.joinRaft(f.managers(), worker, "127.0.0.1:9", f.clock))
        .isInstanceOf(ForbiddenException.class)
        .hasMessageContaining("not a manager");
    assertThat(f.raftAdded).isEmpty();
  }

  @Test
  void callsOtherThanJoinNeedACertificate() {
    // a client without a certificate that trusts the server gets past TLS but not the interceptor
    var channel = Channels.open(f.managers().getFirst(), null, JoinTrust.pinned(f.ca.trustedRoots(), f.clock));
    try {
      assertThatThrownBy(() -> io.grpc.stub.ClientCalls.blockingUnaryCall(channel, DispatcherMethods.HEARTBEAT,
          io.grpc.CallOptions.DEFAULT, new Messages.Empty()))
          .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, e ->
              assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED));
    } finally {
      Channels.close(channel);
    }
  }
}
