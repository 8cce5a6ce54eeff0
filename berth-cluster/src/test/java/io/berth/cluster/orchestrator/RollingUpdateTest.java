package io.berth.cluster.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.UpdateConfig;
import io.berth.cluster.model.UpdateStatus;
import io.berth.cluster.state.Plan;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rolling updates with the service's update settings: parallelism, order, delay, monitor, failure action. */
class RollingUpdateTest {
  private static final long S = TestCluster.SECOND;
  private final TestCluster c = new TestCluster();

  @BeforeEach
  void nodes() {
    c.addNode("n1");
    c.addNode("n2");
    c.addNode("n3");
  }

  private void running(int replicas) {
    c.createService("web", ServiceMode.ofReplicated(replicas));
    c.orchestrate();
    c.schedule();
    c.runAssigned();
  }

  /** What {@code service update} writes for a new task spec: the previous spec and "updating". */
  private void update(UpdateConfig cfg) {
    Service s = c.state.service("web").orElseThrow();
    TaskSpec t = s.spec().taskTemplate();
    TaskSpec forced = new TaskSpec(t.containerSpec(), t.resources(), t.restartPolicy(), t.placement(), t.forceUpdate() + 1);
    Instant now = c.clock.instant();
    c.state.batch().update(new Service(s.id(), s.version(), s.createdAt(), now,
        new ServiceSpec(s.spec().name(), null, forced, s.spec().mode(), null, cfg, null), s.endpoint(),
        new UpdateStatus(UpdateStatus.UPDATING, now, null, "update in progress"), s.spec())).apply();
  }

  private UpdateStatus status() {
    return c.state.service("web").orElseThrow().updateStatus();
  }

  private List<Long> slots(List<Task> tasks) {
    return tasks.stream().map(Task::slot).sorted().toList();
  }

  @Test
  void parallelismTwoStopFirstReplacesTwoAtATimeThenCompletesAfterTheMonitor() {
    running(4);
    update(new UpdateConfig(2, 0, UpdateConfig.PAUSE, 5 * S, 0, UpdateConfig.STOP_FIRST));

    Plan first = c.orchestrate();
    assertThat(slots(first.creates())).containsExactly(1L, 2L);
    assertThat(slots(c.tasks(TaskState.SHUTDOWN))).as("stop-first").containsExactly(1L, 2L);
    assertThat(c.orchestrate().creates()).as("two on their way: no third").isEmpty();
    c.schedule();
    c.runAssigned();
    assertThat(slots(c.orchestrate().creates())).containsExactly(3L, 4L);
    c.schedule();
    c.runAssigned();
    c.orchestrate();
    assertThat(status().state()).as("the last task has not run for the monitor yet").isEqualTo(UpdateStatus.UPDATING);
    c.advance(5);
    c.orchestrate();
    assertThat(status().state()).isEqualTo(UpdateStatus.COMPLETED);
    assertThat(status().message()).isEqualTo("update completed");
  }

  @Test
  void startFirstRunsTheNewTaskBesideTheOldOneUntilItRuns() {
    running(2);
    update(new UpdateConfig(1, 0, UpdateConfig.PAUSE, 0, 0, UpdateConfig.START_FIRST));

    assertThat(slots(c.orchestrate().creates())).containsExactly(1L);
    assertThat(c.tasks(TaskState.SHUTDOWN)).as("the old task of slot 1 runs on").isEmpty();
    assertThat(c.orchestrate().isEmpty()).isTrue();
    c.schedule();
    c.runAssigned();

    Plan next = c.orchestrate();
    assertThat(slots(c.tasks(TaskState.SHUTDOWN))).as("the new one runs: the old one stops").containsExactly(1L);
    assertThat(slots(next.creates())).containsExactly(2L);
  }

  @Test
  void theDelayWaitsAfterEachReplacementRuns() {
    running(2);
    update(new UpdateConfig(1, 10 * S, UpdateConfig.PAUSE, 0, 0, UpdateConfig.STOP_FIRST));
    c.advance(1);
    assertThat(slots(c.orchestrate().creates())).containsExactly(1L);
    c.schedule();
    c.runAssigned();
    assertThat(c.orchestrate().creates()).isEmpty();
    c.advance(9);
    assertThat(c.orchestrate().creates()).isEmpty();
    c.advance(1);
    assertThat(slots(c.orchestrate().creates())).containsExactly(2L);
  }

  @Test
  void aFailingNewTaskPausesTheUpdate() {
    running(2);
    update(new UpdateConfig(1, 0, UpdateConfig.PAUSE, 5 * S, 0, UpdateConfig.STOP_FIRST));
    Task fresh = c.orchestrate().creates().getFirst();
    c.schedule();
    c.report(fresh.id(), TaskState.FAILED);

    c.orchestrate();
    assertThat(status().state()).isEqualTo(UpdateStatus.PAUSED);
    assertThat(status().message()).isEqualTo("update paused due to failure or early termination of task " + fresh.id());
    c.advance(60);
    c.orchestrate();
    c.schedule();
    assertThat(c.tasks().stream().filter(t -> t.slot() == 2 && TaskFacts.wanted(t)).toList())
        .as("slot 2 keeps its old task while paused").singleElement()
        .satisfies(t -> assertThat(t.spec().forceUpdate()).isZero());
  }

  @Test
  void aFailingNewTaskRollsTheServiceBackWhenAsked() {
    running(2);
    TaskSpec before = c.state.service("web").orElseThrow().spec().taskTemplate();
    update(new UpdateConfig(1, 0, UpdateConfig.ROLLBACK, 0, 0, UpdateConfig.STOP_FIRST));
    Task fresh = c.orchestrate().creates().getFirst();
    c.schedule();
    c.report(fresh.id(), TaskState.FAILED);

    c.orchestrate();
    Service back = c.state.service("web").orElseThrow();
    assertThat(back.spec().taskTemplate()).isEqualTo(before);
    assertThat(back.updateStatus().state()).isEqualTo(UpdateStatus.ROLLBACK_STARTED);
    assertThat(back.previousSpec().taskTemplate().forceUpdate()).isEqualTo(1);
    for (int i = 0; i < 5 && !UpdateStatus.ROLLBACK_COMPLETED.equals(status().state()); i++) {
      c.advance(6); // past the restart delay of slot 1
      c.orchestrate();
      c.schedule();
      c.runAssigned();
    }
    assertThat(status().state()).isEqualTo(UpdateStatus.ROLLBACK_COMPLETED);
    assertThat(c.tasks().stream().filter(TaskFacts::wanted).map(t -> t.spec().forceUpdate()).toList())
        .containsOnly(0L).hasSize(2);
  }

  @Test
  void aRollbackWithNothingToStartStillWatchesForTheMonitor() {
    running(2);
    c.advance(60); // the old tasks have run long past any monitor
    update(new UpdateConfig(1, 0, UpdateConfig.ROLLBACK, 5 * S, 0, UpdateConfig.START_FIRST));
    Task fresh = c.orchestrate().creates().getFirst();
    c.schedule();
    c.report(fresh.id(), TaskState.FAILED);
    c.orchestrate();
    assertThat(status().state()).as("start-first: the old tasks still run").isEqualTo(UpdateStatus.ROLLBACK_STARTED);
    c.orchestrate();
    assertThat(status().state()).as("watched for the rollback's monitor first").isEqualTo(UpdateStatus.ROLLBACK_STARTED);
    c.advance(4);
    c.orchestrate();
    assertThat(status().state()).as("the previous spec's rollback monitor: 5 s").isEqualTo(UpdateStatus.ROLLBACK_STARTED);
    c.advance(1);
    c.orchestrate();
    assertThat(status().state()).isEqualTo(UpdateStatus.ROLLBACK_COMPLETED);
    assertThat(status().message()).isEqualTo("rollback completed");
  }

  @Test
  void aStopFirstRollbackRefillsTheFailedSlotAtOnce() {
    running(2);
    c.advance(60);
    update(new UpdateConfig(1, 0, UpdateConfig.ROLLBACK, 0, 0, UpdateConfig.STOP_FIRST));
    Task fresh = c.orchestrate().creates().getFirst();
    c.schedule();
    c.report(fresh.id(), TaskState.FAILED);
    c.orchestrate();
    assertThat(status().state()).isEqualTo(UpdateStatus.ROLLBACK_STARTED);

    assertThat(c.orchestrate().creates()).as("not the restart delay after slot 1's old task stopped").singleElement()
        .satisfies(t -> assertThat(t.slot()).isEqualTo(fresh.slot()))
        .satisfies(t -> assertThat(t.spec().forceUpdate()).isZero());
  }
}
