package io.berth.cluster.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.Node;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.testing.ManualClock;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Json;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leader's overlay key duty over a store: first key, rotation by the period, three kept, tunnel addresses. */
class OverlayKeyRotationTest {
  private static final Duration PERIOD = Duration.ofHours(12);
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final OverlayKeyRotation duty = new OverlayKeyRotation(state, clock, PERIOD);

  private void node(String id) {
    state.batch().create(new Node(id, null, clock.instant(), clock.instant(), null, null, null)).apply();
  }

  private OverlayEncryption stored() {
    return OverlayEncryption.read(state).orElseThrow();
  }

  @Test
  void aFirstKeyAndATunnelAddressPerNodeThenNothingUntilThePeriodEnds() {
    node("n1");
    node("n2");
    assertThat(OverlayEncryption.read(state)).isEmpty();
    assertThat(duty.pass()).isTrue();
    OverlayEncryption first = stored();
    assertThat(first.keys()).extracting(OverlayKey::id).containsExactly(1);
    assertThat(first.keys().getFirst().secret()).hasSize(32);
    assertThat(first.primary().orElseThrow().id()).isEqualTo(1);
    assertThat(first.tunnels()).containsOnlyKeys("n1", "n2");
    assertThat(first.tunnels().values()).containsExactlyInAnyOrder("100.64.0.2", "100.64.0.3");

    clock.advance(PERIOD.minusSeconds(1));
    assertThat(duty.pass()).as("nothing to change before the period ends").isFalse();
    assertThat(stored()).isEqualTo(first);
  }

  @Test
  void eachPeriodAddsAKeyTheSecondNewestSealsAndOnlyThreeAreKept() {
    node("n1");
    duty.pass();
    byte[] firstSecret = stored().keys().getFirst().secret();
    clock.advance(PERIOD);
    assertThat(duty.pass()).isTrue();
    assertThat(stored().keys()).extracting(OverlayKey::id).containsExactly(1, 2);
    assertThat(stored().primary().orElseThrow().id()).as("a new key is learnt a period before it seals").isEqualTo(1);
    assertThat(stored().keys().getFirst().secret()).as("kept keys keep their secret").isEqualTo(firstSecret);
    assertThat(stored().keys().get(1).secret()).isNotEqualTo(firstSecret);

    clock.advance(PERIOD);
    duty.pass();
    assertThat(stored().keys()).extracting(OverlayKey::id).containsExactly(1, 2, 3);
    assertThat(stored().primary().orElseThrow().id()).isEqualTo(2);

    clock.advance(PERIOD);
    duty.pass();
    assertThat(stored().keys()).extracting(OverlayKey::id).containsExactly(2, 3, 4);
    assertThat(stored().primary().orElseThrow().id()).isEqualTo(3);
  }

  @Test
  void aNodeKeepsItsAddressARemovedNodesAddressIsFreedForTheNext() {
    node("n1");
    node("n2");
    duty.pass();
    String n2 = stored().tunnels().get("n2");
    String n1 = stored().tunnels().get("n1");
    state.batch().delete(ClusterState.NODES, "n1").apply();
    assertThat(duty.pass()).isTrue();
    assertThat(stored().tunnels()).containsExactlyEntriesOf(java.util.Map.of("n2", n2));
    node("n3");
    duty.pass();
    assertThat(stored().tunnels()).containsEntry("n2", n2).containsEntry("n3", n1);
  }

  @Test
  void aLeaderThatReadAnOlderVersionCannotAddASecondKey() {
    node("n1");
    duty.pass();
    OverlayEncryption read = stored();
    clock.advance(PERIOD);
    OverlayEncryption mine = OverlayKeyRotation.next(read, state.nodes(), clock.instant(), PERIOD, new SecureRandom());
    duty.pass(); // the other leader came first
    assertThatThrownBy(() -> state.batch().add(mine.write(true)).apply()).isInstanceOf(ConflictException.class);
    assertThat(stored().keys()).hasSize(2);
  }

  @Test
  void storedAsJsonWithoutLosingTheSecretsAndNeverPrintingThem() {
    node("n1");
    duty.pass();
    OverlayEncryption e = stored();
    OverlayEncryption back = Json.read(Json.bytes(e), OverlayEncryption.class, "overlay keys");
    assertThat(back.sameAs(e)).isTrue();
    String secretB64 = java.util.Base64.getEncoder().encodeToString(e.keys().getFirst().secret());
    assertThat(e.toString()).doesNotContain(secretB64).contains("id=1");
  }

  @Test
  void theClustersNetworkKeyRotationSetsThePeriod() {
    state.batch().create(new io.berth.cluster.model.Cluster("c1", null, clock.instant(), clock.instant(), null, null,
        false, null, 0, null, Duration.ofMinutes(1).toNanos())).apply();
    node("n1");
    duty.pass();
    clock.advance(Duration.ofSeconds(59));
    assertThat(duty.pass()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(duty.pass()).as("a minute, not the constructor's 12 hours").isTrue();
    assertThat(stored().keys()).extracting(OverlayKey::id).containsExactly(1, 2);
    assertThatThrownBy(() -> new io.berth.cluster.model.Cluster("c1", null, clock.instant(), clock.instant(), null,
        null, false, null, 0, null, 5)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("NetworkKeyRotation must be at least 1s");
  }

  @Test
  void aPeriodUnderASecondIsRefused() {
    assertThatThrownBy(() -> new OverlayKeyRotation(state, clock, Duration.ofMillis(10)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("at least 1s");
  }

  @Test
  void theTunnelPoolIsNoOverlaysAndTakesTheLowestFreeAddress() {
    assertThat(io.berth.cluster.allocator.TunnelPool.take(List.of("100.64.0.2", "100.64.0.4"))).isEqualTo("100.64.0.3");
    assertThatThrownBy(() -> io.berth.cluster.allocator.TunnelPool.refuseOverlap(
        io.berth.cluster.allocator.Cidr.parse("100.64.3.0/24"))).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("tunnel addresses of encrypted overlays");
  }
}
