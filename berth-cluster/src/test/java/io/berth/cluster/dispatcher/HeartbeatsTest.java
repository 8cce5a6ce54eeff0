package io.berth.cluster.dispatcher;

import io.berth.cluster.testing.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deadlines around an election: the nodes a new leader inherits get a doubled grace period (their
 * sessions must first find it; in the lab drill a manager whose session took four periods to
 * reach the new leader was marked down and its tasks moved), while a node that beats again is
 * back on the normal grace.
 */
class HeartbeatsTest {
  private static final Duration PERIOD = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final ManualClock clock = new ManualClock(Instant.now());
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final Heartbeats heartbeats = new Heartbeats(state, new Leadership() {
    @Override
    public boolean isLeader() {
      return true;
    }

    @Override
    public Optional<String> leaderId() {
      return Optional.empty();
    }
  }, clock, () -> {});

  @AfterEach
  void close() {
    heartbeats.close();
  }

  @Test
  void aNewLeaderGivesInheritedNodesADoubledGraceAndABeatRestoresTheNormalOne() throws Exception {
    Instant now = clock.instant();
    SwarmSpec spec = new SwarmSpec(null, null, null, new SwarmSpec.Dispatcher(PERIOD.toNanos()), null, null);
    state.batch()
        .create(new Cluster("cluster1", null, now, now, spec, null, false))
        .create(new Node("n1", null, now, now,
            new NodeSpec(null, null, NodeRole.WORKER, NodeAvailability.ACTIVE), null, new NodeStatus(NodeState.READY, "", "10.0.0.1")))
        .apply();
    heartbeats.start();
    await("the leader's first check", heartbeats::active);

    // past the normal grace but within the doubled one: still ready
    clock.advance(PERIOD.multipliedBy(Heartbeats.GRACE + 1));
    awaitChecks(2);
    assertThat(state("n1")).isEqualTo(NodeState.READY);

    // past the doubled grace: down
    clock.advance(PERIOD.multipliedBy(Heartbeats.GRACE_AT_ELECTION - Heartbeats.GRACE));
    await("n1 marked down", () -> state("n1") == NodeState.DOWN);

    // back, and silent again: down after the normal grace
    heartbeats.beat("n1", "10.0.0.1", null);
    assertThat(state("n1")).isEqualTo(NodeState.READY);
    clock.advance(PERIOD.multipliedBy(Heartbeats.GRACE + 1));
    await("n1 marked down after the normal grace", () -> state("n1") == NodeState.DOWN);
  }

  private NodeState state(String id) {
    return state.node(id).orElseThrow().status().state();
  }

  /** Waits until {@code n} more checks ran, so the last clock move was seen. */
  private void awaitChecks(int n) throws InterruptedException {
    long target = heartbeats.checks() + n;
    await(n + " checks", () -> heartbeats.checks() >= target);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError(what + " did not happen within " + WAIT);
      }
      Thread.sleep(20);
    }
  }
}
