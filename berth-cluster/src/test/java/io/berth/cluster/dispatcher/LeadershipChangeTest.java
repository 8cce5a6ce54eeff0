package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.Platform;
import io.berth.errdefs.UnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Only the leader's dispatcher keeps sessions and deadlines: losing the lead ends the sessions
 * (nodes go elsewhere), and taking it gives every node a fresh grace period instead of judging
 * it by deadlines it never kept.
 */
class LeadershipChangeTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final AtomicBoolean leading = new AtomicBoolean(true);
  private final DispatcherFixture f = new DispatcherFixture(new Leadership() {
    @Override
    public boolean isLeader() {
      return leading.get();
    }

    @Override
    public Optional<String> leaderId() {
      return Optional.empty();
    }
  });
  private final NodeDescription desc = new NodeDescription("h", new Platform("x86_64", "linux"), null, null);

  @AfterEach
  void close() {
    f.close();
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

  private NodeState state(String id) {
    return f.state.node(id).orElseThrow().status().state();
  }

  @Test
  void losingTheLeadEndsSessionsAndTakingItGivesAFreshGracePeriod() throws Exception {
    NodeCredentials a = new NodeCredentials(
        DispatcherClient.join(f.managers(), f.tokens.worker().render(), desc, null, f.clock).material());
    String id = a.current().certificate().identity().nodeId();
    try (DispatcherSession s = DispatcherClient.connect(f.managers(), a, () -> desc, t -> {}, m -> {}, f.clock)) {
      await("the node ready", () -> state(id) == NodeState.READY);

      leading.set(false);
      await("the session refused by a manager that no longer leads", () -> s.lastError()
          .filter(e -> e instanceof UnavailableException && e.getMessage().contains("not the swarm leader"))
          .isPresent());
      assertThat(f.server.leading()).isFalse();
    }
    // long past the node's old deadline: a follower judges nobody
    f.clock.advance(DispatcherFixture.PERIOD.multipliedBy(10));

    leading.set(true);
    await("the dispatcher taking over as leader", f.server::leading);
    assertThat(state(id)).isEqualTo(NodeState.READY);

    f.clock.advance(DispatcherFixture.PERIOD.multipliedBy(Heartbeats.GRACE_AT_ELECTION + 1));
    await("the silent node marked down", () -> state(id) == NodeState.DOWN);
  }
}
