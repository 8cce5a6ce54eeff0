package io.berth.cluster.ca.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.ca.ChainVerifier;
import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.EcKeys;
import io.berth.cluster.ca.JoinTokens;
import io.berth.cluster.ca.NodeCertificate;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.TlsInfo;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoredCa;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnauthorizedException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rotation's state machine over a real store: start, wait for every node, finish, new tokens. */
class RootRotationTest {
  private static final Clock CLOCK = Clock.systemUTC();
  private final SecureRandom random = new SecureRandom();
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final ClusterCa ca = ClusterCa.create("c1", CLOCK);
  private final JoinTokens tokens = JoinTokens.generate(ca.digest(), random);

  private NodeCredentials.Material material(ClusterCa authority, String nodeId) {
    KeyPair keys = EcKeys.generate(random);
    NodeCertificate cert = authority.issue(keys.getPublic(), nodeId, NodeRole.WORKER);
    return new NodeCredentials.Material(keys.getPrivate(), cert, authority.trustedRoots(), "c1");
  }

  private void report(String nodeId, NodeCredentials.Material held) {
    Node n = state.node(nodeId).orElseThrow();
    state.batch().update(n.withDescription(n.description().withTlsInfo(TlsInfos.held(held)))).apply();
  }

  private void setUp(String... nodes) {
    Instant now = CLOCK.instant();
    ClusterState.Batch b = state.batch().create(StoredCa.of(ca.state(), tokens))
        .create(new Cluster("c1", null, now, now, null, TlsInfos.ofCluster(ca), false));
    for (String id : nodes) {
      b.create(new Node(id, null, now, now, null, new NodeDescription("h-" + id, null, null, null), null));
    }
    b.apply();
    for (String id : nodes) {
      report(id, material(ca, id));
    }
  }

  private void start() {
    var started = RootRotation.start(state.ca().orElseThrow(), state.cluster().orElseThrow(), CLOCK);
    state.batch().update(started.ca()).update(started.cluster()).apply();
  }

  private ClusterCa stored() {
    return ClusterCa.restore(state.ca().orElseThrow().caState(), CLOCK);
  }

  @Test
  void aNodeOutsideTheRotationHoldsTheDesiredIssuer() {
    setUp("n1");
    assertThat(RootRotation.unconverged(ca, state.nodes())).isEmpty();
    assertThat(RootRotation.finishIfConverged(state, CLOCK, random)).isFalse();
    assertThat(state.cluster().orElseThrow().tlsInfo().trustRoot()).isEqualTo(ca.rootPem());
  }

  @Test
  void startingMarksTheSwarmAndNamesTheNewRootAsIssuerWhileJoinersStillPinTheOldRoot() {
    setUp("n1");
    start();
    Cluster c = state.cluster().orElseThrow();
    ClusterCa rotating = stored();
    assertThat(c.rootRotationInProgress()).isTrue();
    assertThat(c.tlsInfo().trustRoot()).isEqualTo(ca.rootPem());
    assertThat(c.tlsInfo().certIssuerPublicKey()).isNotEqualTo(TlsInfos.ofCluster(ca).certIssuerPublicKey());
    assertThat(c.tlsInfo()).isEqualTo(TlsInfos.ofCluster(rotating));
    assertThat(rotating.digest()).isEqualTo(ca.digest());
    assertThat(state.ca().orElseThrow().joinTokens()).isEqualTo(tokens);
  }

  @Test
  void finishesOnlyWhenEveryNodeRenewedThenTrustsTheNewRootAloneWithNewTokens() {
    setUp("n1", "n2");
    start();
    ClusterCa rotating = stored();
    assertThat(RootRotation.unconverged(rotating, state.nodes())).containsExactlyInAnyOrder("n1", "n2");

    NodeCredentials.Material n1 = material(rotating, "n1");
    report("n1", n1);
    assertThat(RootRotation.unconverged(rotating, state.nodes())).containsExactly("n2");
    assertThat(RootRotation.finishIfConverged(state, CLOCK, random)).isFalse();
    assertThat(state.cluster().orElseThrow().rootRotationInProgress()).isTrue();

    // a node still holding an old certificate and one holding a new one trust each other meanwhile
    NodeCredentials.Material oldN2 = material(ca, "n2");
    new ChainVerifier(ca.trustedRoots(), "c1").verify(n1.certificate().chain(), EnumSet.allOf(NodeRole.class), CLOCK.instant());
    new ChainVerifier(rotating.trustedRoots(), "c1").verify(oldN2.certificate().chain(), EnumSet.allOf(NodeRole.class), CLOCK.instant());

    report("n2", material(rotating, "n2"));
    assertThat(RootRotation.finishIfConverged(state, CLOCK, random)).isTrue();

    ClusterCa after = stored();
    Cluster c = state.cluster().orElseThrow();
    assertThat(after.rotating()).isFalse();
    assertThat(after.trustedRoots()).containsExactly(rotating.desiredIssuer());
    assertThat(c.rootRotationInProgress()).isFalse();
    assertThat(c.tlsInfo().trustRoot()).isEqualTo(after.rootPem()).isNotEqualTo(ca.rootPem());
    // the renewed certificates chain to the new root alone; an old one does not
    new ChainVerifier(after.trustedRoots(), "c1").verify(n1.certificate().chain(), EnumSet.allOf(NodeRole.class), CLOCK.instant());
    assertThatThrownBy(() -> new ChainVerifier(after.trustedRoots(), "c1")
        .verify(oldN2.certificate().chain(), EnumSet.allOf(NodeRole.class), CLOCK.instant()))
        .isInstanceOf(UnauthorizedException.class);
    // new join tokens name the new root; the old ones are refused
    JoinTokens now = state.ca().orElseThrow().joinTokens();
    assertThat(now.worker().caDigest()).isEqualTo(after.digest());
    assertThat(now.admit(now.worker().render(), after.digest())).isEqualTo(NodeRole.WORKER);
    assertThatThrownBy(() -> now.admit(tokens.worker().render(), after.digest()))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(JoinTokens.INVALID);
    // nodes now hold what the managers hand out: the converged ones agree with the swarm's TLSInfo
    assertThat(TlsInfos.held(new NodeCredentials.Material(n1.key(), n1.certificate(), after.trustedRoots(), "c1")))
        .isEqualTo(TlsInfos.forNodes(after)).isEqualTo(c.tlsInfo());
    assertThat(RootRotation.finishIfConverged(state, CLOCK, random)).isFalse();
  }

  @Test
  void aSecondRotationReplacesTheFirstAndNodesOfTheAbandonedTargetRenewAgain() {
    setUp("n1");
    start();
    ClusterCa first = stored();
    report("n1", material(first, "n1"));
    start();
    ClusterCa second = stored();
    assertThat(second.desiredIssuer()).isNotEqualTo(first.desiredIssuer());
    assertThat(second.rootPem()).isEqualTo(ca.rootPem());
    assertThat(RootRotation.unconverged(second, state.nodes())).containsExactly("n1");
    report("n1", material(second, "n1"));
    assertThat(RootRotation.finishIfConverged(state, CLOCK, random)).isTrue();
    assertThat(stored().trustedRoots()).containsExactly(second.desiredIssuer());
  }

  @Test
  void aNodeThatNeverReportedItsTlsHoldsUpTheRotation() {
    setUp();
    Instant now = CLOCK.instant();
    state.batch().create(new Node("quiet", null, now, now, null, null, null)).apply();
    start();
    assertThat(state.node("quiet").orElseThrow().description().tlsInfo()).isEqualTo(TlsInfo.NONE);
    assertThat(RootRotation.finishIfConverged(state, CLOCK, random)).isFalse();
    assertThat(state.cluster().orElseThrow().rootRotationInProgress()).isTrue();
    assertThat(List.of(state.ca().orElseThrow().caState().rotation())).doesNotContainNull();
  }
}
