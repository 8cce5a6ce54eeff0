package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import static io.berth.cluster.orchestrator.TestCluster.restart;
import static io.berth.cluster.orchestrator.TestCluster.template;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.RestartCondition;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replicated services: slots, scaling, restarts, nodes lost, drained and paused. */
class ReplicatedOrchestratorTest {
  private final TestCluster c = new TestCluster();

  @BeforeEach
  void threeNodes() {
    c.addNode("n1");
    c.addNode("n2");
    c.addNode("n3");
  }

  @Test
  void threeReplicasAreThreePendingTasksInSlotsOneToThreeThenPlacedOnThreeNodes() {
    var svc = c.createService("web", ServiceMode.ofReplicated(3));
    c.orchestrate();

    List<Task> tasks = c.tasks();
    assertThat(tasks).extracting(Task::slot).containsExactly(1L, 2L, 3L);
    assertThat(tasks).allSatisfy(t -> {
      assertThat(t.status().state()).as("made new, for the allocator").isEqualTo(TaskState.NEW);
      assertThat(t.desiredState()).isEqualTo(TaskState.RUNNING);
      assertThat(t.nodeId()).isEmpty();
      assertThat(t.serviceId()).isEqualTo("web");
      assertThat(t.spec()).isEqualTo(svc.spec().taskTemplate());
    });
    assertThat(c.orchestrate().isEmpty()).as("a second pass over the same state changes nothing").isTrue();

    c.schedule();
    assertThat(c.tasks()).extracting(Task::nodeId).containsExactlyInAnyOrder("n1", "n2", "n3");
    assertThat(c.tasks()).extracting(t -> t.status().state()).containsOnly(TaskState.ASSIGNED);
    assertThat(c.schedule().isEmpty()).isTrue();
  }

  @Test
  void scalingDownRemovesTheHighestSlotsAndScalingUpFillsTheLowestFree() {
    c.createService("web", ServiceMode.ofReplicated(3));
    c.orchestrate();
    c.schedule();
    c.runAssigned();

    c.updateService("web", ServiceMode.ofReplicated(1));
    c.orchestrate();
    assertThat(c.tasks(TaskState.RUNNING)).extracting(Task::slot).containsExactly(1L);
    assertThat(c.tasks(TaskState.REMOVE)).extracting(Task::slot).containsExactly(2L, 3L);
    assertThat(c.tasks()).hasSize(3);
    assertThat(c.orchestrate().isEmpty()).isTrue();

    c.updateService("web", ServiceMode.ofReplicated(2));
    c.orchestrate();
    assertThat(c.tasks(TaskState.RUNNING)).extracting(Task::slot).containsExactly(1L, 2L);
  }

  @Test
  void aFailedTaskIsReplacedInItsSlotAfterTheDelayUntilMaxAttempts() {
    c.createService("web", ServiceMode.ofReplicated(1), template(restart(RestartCondition.ON_FAILURE, 10, 2)));
    c.orchestrate();
    c.schedule();
    c.runAssigned();
    String first = c.tasks().getFirst().id();

    for (int attempt = 1; attempt <= 2; attempt++) {
      String failing = c.tasks(TaskState.RUNNING).getFirst().id();
      c.report(failing, TaskState.FAILED);
      Plan p = c.orchestrate();
      assertThat(c.state.task(failing).orElseThrow().desiredState()).isEqualTo(TaskState.SHUTDOWN);
      assertThat(p.creates()).as("no replacement before the delay").isEmpty();
      assertThat(p.wakeAt()).contains(c.clock.instant().plusSeconds(10));

      c.advance(9);
      assertThat(c.orchestrate().creates()).isEmpty();
      c.advance(1);
      assertThat(c.orchestrate().creates()).singleElement().satisfies(t -> assertThat(t.slot()).isEqualTo(1));
      c.schedule();
      c.runAssigned();
    }
    assertThat(c.tasks()).hasSize(3).first().extracting(Task::id).isEqualTo(first);

    c.report(c.tasks(TaskState.RUNNING).getFirst().id(), TaskState.FAILED);
    c.orchestrate();
    c.advance(3600);
    assertThat(c.orchestrate().isEmpty()).as("two restarts made: the slot stays down").isTrue();
    assertThat(c.tasks(TaskState.RUNNING)).isEmpty();
  }

  @Test
  void onFailureDoesNotRestartACompletedTaskAndNoneRestartsNothing() {
    c.createService("ok", ServiceMode.ofReplicated(1), template(restart(RestartCondition.ON_FAILURE, 0, 0)));
    c.createService("once", ServiceMode.ofReplicated(1), template(restart(RestartCondition.NONE, 0, 0)));
    c.orchestrate();
    c.schedule();
    c.runAssigned();
    for (Task t : c.tasks()) {
      c.report(t.id(), t.serviceId().equals("ok") ? TaskState.COMPLETE : TaskState.FAILED);
    }
    Plan p = c.orchestrate();
    assertThat(p.creates()).isEmpty();
    assertThat(c.tasks()).extracting(Task::desiredState).containsOnly(TaskState.SHUTDOWN);
  }

  @Test
  void aTaskOnANodeThatGoesDownIsReplacedElsewhereAndShutDownWhenTheNodeReturns() {
    // 20 s of delay counted from n2's last heartbeat, 15 s (three default periods) before it is down
    c.createService("web", ServiceMode.ofReplicated(3), template(restart(RestartCondition.ANY, 20, 0)));
    c.orchestrate();
    c.schedule();
    c.runAssigned();
    Task onN2 = c.tasks().stream().filter(t -> t.nodeId().equals("n2")).findFirst().orElseThrow();

    c.setNodeState("n2", NodeState.DOWN);
    assertThat(c.orchestrate().creates()).isEmpty();
    assertThat(c.state.task(onN2.id()).orElseThrow().desiredState()).isEqualTo(TaskState.SHUTDOWN);
    c.advance(4);
    assertThat(c.orchestrate().creates()).as("5 s after down, not 20").isEmpty();
    c.advance(1);
    Task replacement = c.orchestrate().creates().getFirst();
    assertThat(replacement.slot()).isEqualTo(onN2.slot());
    c.schedule();
    assertThat(c.state.task(replacement.id()).orElseThrow().nodeId()).isIn("n1", "n3");

    c.setNodeState("n2", NodeState.READY);
    assertThat(c.orchestrate().isEmpty()).isTrue();
    assertThat(c.state.task(onN2.id()).orElseThrow().desiredState())
        .as("the returning node's agent is told to stop its stale task").isEqualTo(TaskState.SHUTDOWN);
  }

  @Test
  void aDownNodesTaskWhoseDelayPassedDuringTheHeartbeatGraceIsReplacedAtOnce() {
    c.createService("web", ServiceMode.ofReplicated(3), template(restart(RestartCondition.ANY, 5, 0)));
    c.orchestrate();
    c.schedule();
    c.runAssigned();
    c.advance(60);

    c.setNodeState("n2", NodeState.DOWN);
    assertThat(c.orchestrate().creates()).as("silent for 15 s already: the 5 s delay is over")
        .hasSize(1);
    c.advance(1);
    Task failing = c.tasks().stream().filter(t -> t.nodeId().equals("n1") && TaskFacts.wanted(t)).findFirst().orElseThrow();
    c.report(failing.id(), TaskState.FAILED);
    assertThat(c.orchestrate().creates()).as("a task failing on a ready node waits its whole delay").isEmpty();
    c.advance(5);
    assertThat(c.orchestrate().creates()).hasSize(1);
  }

  @Test
  void drainMovesTasksOffAtOnceAndPauseKeepsThemButTakesNoNewOnes() {
    c.createService("web", ServiceMode.ofReplicated(3));
    c.orchestrate();
    c.schedule();
    c.runAssigned();

    c.setAvailability("n3", NodeAvailability.PAUSE);
    assertThat(c.orchestrate().isEmpty()).as("pause keeps the tasks").isTrue();

    c.setAvailability("n1", NodeAvailability.DRAIN);
    Plan p = c.orchestrate();
    assertThat(p.creates()).as("no restart delay on a drained node").hasSize(1);
    assertThat(c.tasks(TaskState.SHUTDOWN)).singleElement().extracting(Task::nodeId).isEqualTo("n1");
    c.schedule();
    Task moved = c.state.task(p.creates().getFirst().id()).orElseThrow();
    assertThat(moved.nodeId()).as("drained n1 and paused n3 take no new task").isEqualTo("n2");
  }

  @Test
  void anUpdatedSpecReplacesOneRunningTaskAtATime() { // service update --force
    var svc = c.createService("web", ServiceMode.ofReplicated(2));
    c.orchestrate();
    c.schedule();
    c.runAssigned();

    var s = c.state.service("web").orElseThrow();
    var newer = new io.berth.cluster.model.Service(s.id(), s.version(), s.createdAt(), c.clock.instant(),
        new io.berth.cluster.model.ServiceSpec(s.spec().name(), null,
            forced(s.spec().taskTemplate()), s.spec().mode(), null));
    c.state.batch().update(newer).apply();

    Plan p = c.orchestrate();
    assertThat(p.creates()).singleElement().satisfies(t -> assertThat(t.slot()).isEqualTo(1));
    assertThat(c.orchestrate().isEmpty()).as("the second waits for the first to run").isTrue();
    c.schedule();
    c.runAssigned();
    assertThat(c.orchestrate().creates()).singleElement().satisfies(t -> assertThat(t.slot()).isEqualTo(2));
    assertThat(c.tasks(TaskState.SHUTDOWN)).extracting(Task::spec).containsOnly(svc.spec().taskTemplate());
  }

  @Test
  void maxAttemptsCountOnlyWithinTheWindow() {
    var policy = new io.berth.cluster.model.RestartPolicy(RestartCondition.ANY, 0, 1, 60 * TestCluster.SECOND);
    c.createService("web", ServiceMode.ofReplicated(1), template(policy));
    c.orchestrate();
    c.schedule();
    c.runAssigned();
    c.report(c.tasks(TaskState.RUNNING).getFirst().id(), TaskState.FAILED);
    assertThat(c.orchestrate().creates()).as("the first restart").hasSize(1);
    c.schedule();
    c.runAssigned();

    c.advance(30);
    c.report(c.tasks(TaskState.RUNNING).getFirst().id(), TaskState.FAILED);
    assertThat(c.orchestrate().creates()).as("one restart within the last 60 s already").isEmpty();
    c.advance(31);
    assertThat(c.orchestrate().creates()).as("that restart left the window").hasSize(1);
  }

  @Test
  void aLargeScaleIsWrittenOneBoundedBatchAtATime() {
    c.createService("many", ServiceMode.ofReplicated(450));
    assertThat(c.orchestrate().creates()).hasSize(Plan.MAX_WRITES);
    assertThat(c.orchestrate().creates()).hasSize(Plan.MAX_WRITES);
    assertThat(c.orchestrate().creates()).hasSize(50);
    assertThat(c.orchestrate().isEmpty()).isTrue();
    assertThat(c.tasks()).extracting(Task::slot).doesNotHaveDuplicates().hasSize(450);

    for (int i = 0; i < 5 && !c.allocate().isEmpty(); i++) {
      // the allocator hands the new tasks on a bounded batch at a time
    }
    assertThat(c.tasks()).extracting(t -> t.status().state()).containsOnly(TaskState.PENDING);
    assertThat(c.schedule().updates()).hasSize(Plan.MAX_WRITES);
    c.schedule();
    c.schedule();
    assertThat(c.tasks()).extracting(t -> t.status().state()).containsOnly(TaskState.ASSIGNED);

    c.updateService("many", ServiceMode.ofReplicated(0));
    assertThat(c.orchestrate().updates()).hasSizeGreaterThanOrEqualTo(Plan.MAX_WRITES);
    c.orchestrate();
    c.orchestrate();
    assertThat(c.tasks(TaskState.REMOVE)).hasSize(450);
  }

  private static io.berth.cluster.model.TaskSpec forced(io.berth.cluster.model.TaskSpec t) {
    return new io.berth.cluster.model.TaskSpec(t.containerSpec(), t.resources(), t.restartPolicy(), t.placement(),
        t.forceUpdate() + 1);
  }
}
