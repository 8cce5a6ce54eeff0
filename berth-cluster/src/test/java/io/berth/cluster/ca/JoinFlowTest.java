package io.berth.cluster.ca;

import io.berth.cluster.model.NodeRole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnauthorizedException;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A node joining a manager, both sides in process: the token, the pin, the CSR, the certificate. */
class JoinFlowTest {
  static final SecureRandom RANDOM = new SecureRandom();
  final ClusterCa ca = ClusterCa.create("cluster1", ClusterCaTest.CLOCK);
  final JoinTokens tokens = JoinTokens.generate(ca.digest(), RANDOM);
  final Instant now = ClusterCaTest.NOW;

  @Test
  void aWorkerJoinsWithTheWorkerTokenAndGetsAFreshIdInThatRole() {
    JoinRequest join = JoinRequest.start(tokens.worker().render(), RANDOM);
    join.pin(ca.rootPem());
    NodeAdmission.Admitted admitted = NodeAdmission.admit(ca, tokens, join.token(), join.csr(), RANDOM);
    assertThat(admitted.role()).isEqualTo(NodeRole.WORKER);
    assertThat(admitted.nodeId()).matches("[0-9a-z]{25}");

    JoinRequest.Joined joined = join.accept(admitted.certificate(), now);
    assertThat(joined.identity()).isEqualTo(new NodeIdentity(admitted.nodeId(), NodeRole.WORKER, "cluster1"));
    assertThat(joined.trustedRoots()).isEqualTo(ca.trustedRoots());
  }

  @Test
  void theManagerTokenAdmitsAManager() {
    JoinRequest join = JoinRequest.start(tokens.manager().render(), RANDOM);
    join.pin(ca.rootPem());
    assertThat(NodeAdmission.admit(ca, tokens, join.token(), join.csr(), RANDOM).role()).isEqualTo(NodeRole.MANAGER);
  }

  @Test
  void aManagerOfAnotherCaIsRefusedBeforeAnyKeyLeavesTheNode() {
    JoinRequest join = JoinRequest.start(tokens.worker().render(), RANDOM);
    ClusterCa impostor = ClusterCa.create("cluster1", ClusterCaTest.CLOCK);
    assertThatThrownBy(() -> join.pin(impostor.rootPem()))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("does not match fingerprint");
    assertThatThrownBy(() -> join.accept(impostor.issue(join.csr(), "x", NodeRole.WORKER), now))
        .isInstanceOf(FailedPreconditionException.class);
  }

  @Test
  void aCertificateNotFromThePinnedRootOrNotForThisKeyIsRefused() {
    JoinRequest join = JoinRequest.start(tokens.worker().render(), RANDOM);
    join.pin(ca.rootPem());
    ClusterCa impostor = ClusterCa.create("cluster1", ClusterCaTest.CLOCK);
    assertThatThrownBy(() -> join.accept(impostor.issue(join.csr(), "x", NodeRole.WORKER), now))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("not signed by this cluster's root CA");
    JoinRequest other = JoinRequest.start(tokens.worker().render(), RANDOM);
    assertThatThrownBy(() -> join.accept(ca.issue(other.csr(), "y", NodeRole.WORKER), now))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("not for this node's key");
  }

  @Test
  void aRotatedOrMalformedTokenIsRefused() {
    String old = tokens.worker().render();
    JoinTokens rotated = tokens.rotate(NodeRole.WORKER, RANDOM);
    JoinRequest join = JoinRequest.start(old, RANDOM);
    assertThatThrownBy(() -> NodeAdmission.admit(ca, rotated, join.token(), join.csr(), RANDOM))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("A valid join token is necessary to join this cluster");
    assertThatThrownBy(() -> JoinRequest.start("SWMTKN-1-abc", RANDOM))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("expected 4 parts");
  }
}
