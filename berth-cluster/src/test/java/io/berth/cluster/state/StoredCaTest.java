package io.berth.cluster.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.JoinTokens;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.errdefs.ConflictException;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The CA and the join tokens survive the store's JSON whole, and updates are versioned like every object. */
class StoredCaTest {
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final SecureRandom random = new SecureRandom();

  @Test
  void roundTripsTheCaAndTheTokensAndRefusesAStaleUpdate() {
    ClusterCa ca = ClusterCa.create("c1", Clock.systemUTC());
    JoinTokens tokens = JoinTokens.generate(ca.digest(), random);
    assertThat(state.ca()).isEmpty();

    state.batch().create(StoredCa.of(ca.state(), tokens)).apply();
    StoredCa read = state.ca().orElseThrow();
    assertThat(read.version().index()).isEqualTo(state.store().index());
    assertThat(read.caState()).isEqualTo(ca.state());
    assertThat(read.joinTokens()).isEqualTo(tokens);
    // the CA read back signs, and the tokens read back admit
    ClusterCa restored = ClusterCa.restore(read.caState(), Clock.systemUTC());
    assertThat(restored.digest()).isEqualTo(ca.digest());
    assertThat(read.joinTokens().admit(tokens.worker().render(), restored.digest())).isEqualTo(NodeRole.WORKER);

    JoinTokens rotated = tokens.rotate(NodeRole.WORKER, random);
    state.batch().update(read.withJoinTokens(rotated)).apply();
    assertThat(state.ca().orElseThrow().joinTokens().worker()).isEqualTo(rotated.worker());
    assertThatThrownBy(() -> state.batch().update(read.withJoinTokens(tokens)).apply())
        .isInstanceOf(ConflictException.class);
    assertThat(state.ca().orElseThrow().joinTokens().worker()).isEqualTo(rotated.worker());
  }

  @Test
  void keepsARotationInProgress() {
    ClusterCa rotating = ClusterCa.create("c2", Clock.systemUTC()).startRotation();
    state.batch().create(StoredCa.of(rotating.state(), JoinTokens.generate(rotating.digest(), random))).apply();
    assertThat(state.ca().orElseThrow().caState().rotation()).isEqualTo(rotating.state().rotation());
  }
}
