package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Global services and global jobs: one task per eligible node, confirmed there by the scheduler. */
class GlobalOrchestratorTest {
  private final TestCluster c = new TestCluster();

  @BeforeEach
  void threeNodes() {
    c.addNode("n1");
    c.addNode("n2");
    c.addNode("n3");
  }

  @Test
  void oneTaskPerNodeConfirmedByTheSchedulerAndOneMoreForANodeThatJoins() {
    c.createService("mon", ServiceMode.ofGlobal());
    c.orchestrate();
    assertThat(c.tasks()).extracting(Task::nodeId).containsExactlyInAnyOrder("n1", "n2", "n3");
    assertThat(c.tasks()).allSatisfy(t -> {
      assertThat(t.status().state()).as("made new, for the allocator").isEqualTo(TaskState.NEW);
      assertThat(t.slot()).isZero();
    });
    c.allocate();
    assertThat(c.tasks()).extracting(t -> t.status().state()).containsOnly(TaskState.PENDING);
    c.schedule();
    assertThat(c.tasks()).extracting(t -> t.status().message())
        .containsOnly("scheduler confirmed task can run on preassigned node");
    c.runAssigned();
    assertThat(c.orchestrate().isEmpty()).isTrue();

    c.addNode("n4");
    assertThat(c.orchestrate().creates()).singleElement().extracting(Task::nodeId).isEqualTo("n4");
  }

  @Test
  void pauseKeepsTheTaskButANewPausedNodeGetsNoneAndDrainOrDownShutsItDown() {
    c.createService("mon", ServiceMode.ofGlobal());
    c.orchestrate();
    c.schedule();
    c.runAssigned();

    c.setAvailability("n1", NodeAvailability.PAUSE);
    assertThat(c.orchestrate().isEmpty()).isTrue();
    c.addNode("n4");
    c.setAvailability("n4", NodeAvailability.PAUSE);
    assertThat(c.orchestrate().isEmpty()).isTrue();

    c.setAvailability("n2", NodeAvailability.DRAIN);
    c.setNodeState("n3", NodeState.DOWN);
    Plan p = c.orchestrate();
    assertThat(p.creates()).isEmpty();
    assertThat(c.tasks(TaskState.SHUTDOWN)).extracting(Task::nodeId).containsExactlyInAnyOrder("n2", "n3");

    c.setNodeState("n3", NodeState.READY);
    assertThat(c.orchestrate().creates()).as("a node back from down gets a task at once")
        .singleElement().extracting(Task::nodeId).isEqualTo("n3");
  }

  @Test
  void onlyNodesMatchingTheConstraintsGetATaskAndARemovedNodesTasksAreRemoved() {
    c.addNode("g1", Map.of("gpu", "yes"));
    c.addNode("g2", Map.of("gpu", "yes"));
    c.createService("gpu", ServiceMode.ofGlobal(), TestCluster.constrained("node.labels.gpu==yes"));
    c.orchestrate();
    assertThat(c.tasks()).extracting(Task::nodeId).containsExactlyInAnyOrder("g1", "g2");

    c.state.batch().delete(io.berth.cluster.state.ClusterState.NODES, "g2").apply();
    c.orchestrate();
    assertThat(c.tasks(TaskState.REMOVE)).extracting(Task::nodeId).containsExactly("g2");
    c.reap();
    assertThat(c.tasks()).extracting(Task::nodeId).containsExactly("g1");
  }

  @Test
  void aGlobalJobRunsOncePerNode() {
    c.createService("init", ServiceMode.ofGlobalJob());
    c.orchestrate();
    assertThat(c.tasks()).hasSize(3).extracting(Task::desiredState).containsOnly(TaskState.COMPLETE);
    c.schedule();
    c.runAssigned();
    for (Task t : c.tasks()) {
      c.report(t.id(), TaskState.COMPLETE);
    }
    assertThat(c.orchestrate().isEmpty()).as("done on every node: nothing to run again").isTrue();
    c.addNode("n4");
    assertThat(c.orchestrate().creates()).singleElement().extracting(Task::nodeId).isEqualTo("n4");
  }

  @Test
  void aGlobalJobsTaskOnANodeThatGoesDownIsShutDown() {
    c.createService("init", ServiceMode.ofGlobalJob());
    c.orchestrate();
    c.schedule();
    c.runAssigned();
    c.setNodeState("n2", NodeState.DOWN);
    c.orchestrate();
    assertThat(c.tasks(TaskState.SHUTDOWN)).as("desired complete moves to shutdown")
        .singleElement().extracting(Task::nodeId).isEqualTo("n2");
    assertThat(c.tasks(TaskState.COMPLETE)).hasSize(2);
  }
}
