package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import static io.berth.cluster.orchestrator.TestCluster.restart;
import static io.berth.cluster.orchestrator.TestCluster.template;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.RestartCondition;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replicated jobs: TotalCompletions in all, MaxConcurrent at a time, failures retried per the policy. */
class ReplicatedJobOrchestratorTest {
  private final TestCluster c = new TestCluster();

  @BeforeEach
  void twoNodes() {
    c.addNode("n1");
    c.addNode("n2");
  }

  @Test
  void runsToTotalCompletionsAtMostMaxConcurrentAtATime() {
    c.createService("batch", ServiceMode.ofReplicatedJob(2, 3), template(restart(RestartCondition.ON_FAILURE, 0, 0)));
    c.orchestrate();
    assertThat(c.tasks()).extracting(Task::slot).containsExactly(0L, 1L);
    assertThat(c.tasks()).extracting(Task::desiredState).containsOnly(TaskState.COMPLETE);
    c.schedule();
    c.runAssigned();
    assertThat(c.orchestrate().isEmpty()).isTrue();

    c.report(c.tasks().get(0).id(), TaskState.COMPLETE);
    assertThat(c.orchestrate().creates()).singleElement().extracting(Task::slot).isEqualTo(2L);
    c.schedule();
    c.runAssigned();

    Task failing = c.tasks().stream().filter(t -> t.slot() == 1).findFirst().orElseThrow();
    c.report(failing.id(), TaskState.FAILED);
    Plan retry = c.orchestrate();
    assertThat(retry.creates()).as("a failed task is retried in its slot").singleElement()
        .extracting(Task::slot).isEqualTo(1L);
    c.schedule();
    c.runAssigned();

    for (Task t : c.tasks()) {
      if (t.status().state() == TaskState.RUNNING) {
        c.report(t.id(), TaskState.COMPLETE);
      }
    }
    assertThat(c.orchestrate().isEmpty()).as("three completions: the job is done").isTrue();
    assertThat(c.tasks().stream().filter(t -> t.status().state() == TaskState.COMPLETE).map(Task::slot).toList())
        .containsExactlyInAnyOrder(0L, 1L, 2L);
  }
}
