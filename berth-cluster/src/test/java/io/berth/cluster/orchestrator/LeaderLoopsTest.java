package io.berth.cluster.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.ServiceMode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The loops run while the member leads, and only then (waits are bounds, not measurements). */
class LeaderLoopsTest {
  private final TestCluster c = new TestCluster();

  @Test
  void loopsStartWhenLeadershipIsGainedAndStopWhenItIsLost() throws Exception {
    c.addNode("n1");
    AtomicBoolean leader = new AtomicBoolean(false);
    try (LeaderLoops ll = new LeaderLoops(c.state, c.clock, leader::get, Duration.ofMillis(50))) {
      ll.start();
      c.createService("a", ServiceMode.ofReplicated(1));
      c.state.store().awaitIndex(c.state.store().index(), Duration.ofMillis(300)); // room for a wrong start
      assertThat(c.tasks()).as("a follower makes no tasks").isEmpty();

      leader.set(true);
      c.addNode("n2"); // any write makes the watcher look again
      awaitUntil(() -> c.state.tasksOfService("a").size() == 1, "tasks made once leading");

      leader.set(false);
      c.addNode("n3");
      awaitUntil(() -> !ll.leading(), "loops stopped once no longer leading");
      c.createService("b", ServiceMode.ofReplicated(1));
      c.state.store().awaitIndex(c.state.store().index(), Duration.ofMillis(300)); // room for a wrong start
      assertThat(c.state.tasksOfService("b")).isEmpty();
    }
  }

  private void awaitUntil(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (done.getAsBoolean()) {
        return;
      }
      c.state.store().awaitIndex(c.state.store().index(), Duration.ofMillis(50));
    }
    throw new AssertionError("not reached within 10 s: " + what);
  }
}
