package io.berth.cluster.orchestrator;

import static io.berth.cluster.orchestrator.TestCluster.restart;
import static io.berth.cluster.orchestrator.TestCluster.template;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.RestartCondition;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import org.junit.jupiter.api.Test;

/** Removed services' tasks go once stopped; each slot keeps the history limit. */
class TaskReaperTest {
  private final TestCluster c = new TestCluster();

  @Test
  void aRemovedServicesTasksAreDesiredRemoveAndDeletedOnceStopped() {
    c.addNode("n1");
    c.addNode("n2");
    c.createService("web", ServiceMode.ofReplicated(3));
    c.orchestrate();
    c.schedule();
    c.runAssigned();

    c.removeService("web");
    c.orchestrate();
    assertThat(c.tasks()).hasSize(3).extracting(Task::desiredState).containsOnly(TaskState.REMOVE);
    assertThat(c.reap().isEmpty()).as("running tasks stay until their agent stopped them").isTrue();

    Task stopped = c.tasks().getFirst();
    c.report(stopped.id(), TaskState.SHUTDOWN);
    assertThat(c.reap().deletes()).containsExactly(stopped.id());
    String down = c.tasks().getFirst().nodeId();
    c.setNodeState(down, io.berth.cluster.model.NodeState.DOWN);
    c.reap();
    assertThat(c.tasks()).as("a down node's agent will not report: its tasks go, the others wait").isNotEmpty()
        .allSatisfy(t -> assertThat(t.nodeId()).isNotEqualTo(down));
  }

  @Test
  void keepsTheHistoryLimitPerSlotOldestFirstNeverTheRunningTask() {
    c.addNode("n1");
    c.state.batch().create(new io.berth.cluster.model.Cluster("c", null, TestCluster.START, TestCluster.START,
        new SwarmSpec(null, null, new SwarmSpec.Orchestration(3), null, null, null), null, false)).apply();
    c.createService("web", ServiceMode.ofReplicated(1), template(restart(RestartCondition.ANY, 0, 0)));
    c.orchestrate();
    for (int i = 0; i < 4; i++) {
      c.schedule();
      c.runAssigned();
      c.advance(1);
      c.report(c.tasks(TaskState.RUNNING).getFirst().id(), TaskState.FAILED);
      c.orchestrate();
    }
    c.schedule();
    c.runAssigned();
    assertThat(c.tasks()).hasSize(5);
    var newestFailed = c.tasks(TaskState.SHUTDOWN).stream().sorted(TaskFacts.BY_CREATION).toList().subList(2, 4);

    assertThat(c.reap().deletes()).hasSize(2);
    assertThat(c.tasks()).hasSize(3);
    assertThat(c.tasks(TaskState.RUNNING)).hasSize(1);
    assertThat(c.tasks(TaskState.SHUTDOWN)).extracting(Task::id)
        .containsExactlyInAnyOrderElementsOf(newestFailed.stream().map(Task::id).toList());
    assertThat(c.reap().isEmpty()).isTrue();
  }

  @Test
  void aSlotWhoseRestartsAreCountedKeepsMaxAttemptsPlusOne() {
    c.addNode("n1");
    c.state.batch().create(new io.berth.cluster.model.Cluster("c", null, TestCluster.START, TestCluster.START,
        new SwarmSpec(null, null, new SwarmSpec.Orchestration(1), null, null, null), null, false)).apply();
    c.createService("web", ServiceMode.ofReplicated(1), template(restart(RestartCondition.ANY, 0, 2)));
    c.orchestrate();
    for (int i = 0; i < 3; i++) {
      c.schedule();
      c.runAssigned();
      c.report(c.tasks(TaskState.RUNNING).getFirst().id(), TaskState.FAILED);
      c.orchestrate();
      c.reap();
    }
    assertThat(c.tasks()).hasSize(3);
    assertThat(c.tasks(TaskState.RUNNING)).as("max attempts reached, though the limit is 1").isEmpty();
  }

  @Test
  void aRemovedNodesNetworkAttachmentsAreDeleted() {
    c.addNode("n1");
    c.addNode("n2");
    c.addNode("n3");
    Task kept = attachment("a1", "n1");
    Task onRemoved = attachment("a2", "n2");
    Task onVanished = attachment("a3", "n3");
    assertThat(c.reap().isEmpty()).as("attachments of live nodes stay").isTrue();

    c.setNodeState("n2", io.berth.cluster.model.NodeState.DOWN);
    new io.berth.cluster.control.NodeControl(c.state, c.clock).remove("n2", false);
    assertThat(c.state.task(onRemoved.id()).orElseThrow().status().state()).isEqualTo(TaskState.ORPHANED);
    c.state.batch().delete(io.berth.cluster.state.ClusterState.NODES, "n3").apply();

    assertThat(c.reap().deletes()).containsExactlyInAnyOrder(onRemoved.id(), onVanished.id());
    assertThat(c.tasks()).extracting(Task::id).containsExactly(kept.id());
  }

  /** A plain container's attachment on {@code node}, as the dispatcher makes it and the allocator assigns it. */
  private Task attachment(String id, String node) {
    var now = c.clock.instant();
    Task t = new Task(id, io.berth.cluster.model.Version.ZERO, now, now,
        io.berth.cluster.model.TaskSpec.attachment("c-" + id,
            new io.berth.cluster.model.NetworkAttachmentConfig("net1", java.util.List.of(), null)),
        "", 0, node, new io.berth.cluster.model.TaskStatus(now, TaskState.ASSIGNED, "network attachment allocated", null),
        TaskState.RUNNING, null);
    c.state.batch().create(t).apply();
    return c.state.task(id).orElseThrow();
  }
}
