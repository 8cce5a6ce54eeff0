package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A node down for the whole period has its assigned..running tasks orphaned; its ended tasks and other nodes' stay. */
class OrphanedTasksTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T08:00:00Z"));
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final OrphanedTasks orphans = new OrphanedTasks(state, clock, OrphanedTasks.AFTER);

  private void node(String id, NodeState s) {
    Node n = new Node(id, null, clock.instant(), clock.instant(), new NodeSpec(null, null, null, null), null, null)
        .withStatus(new NodeStatus(s, "", "192.0.2.1"));
    if (state.node(id).isPresent()) {
      Node stored = state.node(id).orElseThrow();
      state.batch().update(stored.withStatus(new NodeStatus(s, "", "192.0.2.1"))).apply();
    } else {
      state.batch().create(n).apply();
    }
  }

  private void task(String id, String node, TaskState s) {
    Instant at = clock.instant();
    state.batch().create(new Task(id, null, at, at, TaskSpec.of(ContainerSpec.of("web:1")), "svc", 1, node,
        new TaskStatus(at, s, "", null), TaskState.SHUTDOWN, null)).apply();
  }

  private TaskState stateOf(String id) {
    return state.task(id).orElseThrow().status().state();
  }

  @Test
  void aNodeDownForADayHasItsLiveTasksOrphaned() {
    node("gone", NodeState.DOWN);
    node("up", NodeState.READY);
    task("running", "gone", TaskState.RUNNING);
    task("assigned", "gone", TaskState.ASSIGNED);
    task("ended", "gone", TaskState.FAILED);
    task("elsewhere", "up", TaskState.RUNNING);

    orphans.check(state.nodes());
    clock.advance(OrphanedTasks.AFTER.minus(Duration.ofSeconds(1)));
    orphans.check(state.nodes());
    assertThat(stateOf("running")).isEqualTo(TaskState.RUNNING);

    clock.advance(Duration.ofSeconds(1));
    orphans.check(state.nodes());
    assertThat(stateOf("running")).isEqualTo(TaskState.ORPHANED);
    assertThat(state.task("running").orElseThrow().status().message()).isEqualTo(OrphanedTasks.MESSAGE);
    assertThat(stateOf("assigned")).isEqualTo(TaskState.ORPHANED);
    assertThat(stateOf("ended")).as("a final state stays").isEqualTo(TaskState.FAILED);
    assertThat(stateOf("elsewhere")).isEqualTo(TaskState.RUNNING);
  }

  @Test
  void aNodeBackInTimeStartsItsClockAgainAndANewLeaderGivesTheWholePeriod() {
    node("flaky", NodeState.DOWN);
    task("t", "flaky", TaskState.RUNNING);
    orphans.check(state.nodes());
    clock.advance(Duration.ofHours(20));
    node("flaky", NodeState.READY);
    orphans.check(state.nodes());
    node("flaky", NodeState.DOWN);
    orphans.check(state.nodes());
    clock.advance(Duration.ofHours(20));
    orphans.check(state.nodes());
    assertThat(stateOf("t")).as("down 20 h twice, never a day in a row").isEqualTo(TaskState.RUNNING);

    orphans.reset();
    clock.advance(Duration.ofHours(5));
    orphans.check(state.nodes());
    assertThat(stateOf("t")).as("a new leader's clock starts now").isEqualTo(TaskState.RUNNING);
    clock.advance(OrphanedTasks.AFTER);
    orphans.check(state.nodes());
    assertThat(stateOf("t")).isEqualTo(TaskState.ORPHANED);
  }
}
