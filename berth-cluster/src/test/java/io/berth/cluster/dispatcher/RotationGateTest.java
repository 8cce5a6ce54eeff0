package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.NetworkAttachment;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.network.NetworkView;
import io.berth.cluster.network.NetworkView.MeshEntry;
import io.berth.cluster.network.NetworkView.MeshPort;
import io.berth.cluster.network.NetworkView.MeshTarget;
import io.berth.cluster.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A leaving task is shown running to its node until every node acknowledged rules without it, or for ten seconds at most. */
class RotationGateTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T08:00:00Z"));
  private final RotationGate gate = new RotationGate(clock);

  private static Task task(String id, TaskState state, TaskState desired, String... addresses) {
    Instant at = Instant.parse("2026-12-07T07:00:00Z");
    List<NetworkAttachment> attachments = addresses.length == 0 ? List.of()
        : List.of(new NetworkAttachment(null, List.of(addresses)));
    return new Task(id, null, at, at, TaskSpec.of(ContainerSpec.of("web:1")), "svc", 1, "n1",
        new TaskStatus(at, state, "", null), desired, null, null, attachments);
  }

  private static NetworkView mesh(String... backends) {
    return new NetworkView("192.0.2.1", "10.0.0.2", List.of(), List.of(new MeshEntry("svc",
        List.of(new MeshPort("tcp", 8080, 80)), List.of(backends).stream().map(ip -> new MeshTarget(ip, false)).toList())));
  }

  private TaskState told(Task t, Set<String> sessions) {
    return gate.gate(List.of(t), sessions).getFirst().desiredState();
  }

  @Test
  void aLeavingTaskRunsOnUntilEveryNodeAppliedRulesWithoutIt() {
    Task leaving = task("old", TaskState.RUNNING, TaskState.SHUTDOWN, "10.0.0.5/24");
    gate.sent("n1", 1, mesh("10.0.0.5", "10.0.0.6"));
    gate.sent("n2", 2, mesh("10.0.0.5", "10.0.0.6"));
    assertThat(gate.applied("n1", 1)).isTrue();
    assertThat(gate.applied("n2", 2)).isTrue();
    Set<String> nodes = Set.of("n1", "n2");
    assertThat(told(leaving, nodes)).as("both nodes' rules name it").isEqualTo(TaskState.RUNNING);
    assertThat(gate.holding()).isTrue();

    gate.sent("n1", 3, mesh("10.0.0.6"));
    gate.sent("n2", 4, mesh("10.0.0.6"));
    assertThat(gate.applied("n1", 3)).isTrue();
    assertThat(told(leaving, nodes)).as("n2 has not applied its new rules yet").isEqualTo(TaskState.RUNNING);
    assertThat(gate.applied("n2", 4)).isTrue();
    assertThat(told(leaving, nodes)).isEqualTo(TaskState.SHUTDOWN);
    assertThat(gate.holding()).isFalse();

    gate.sent("n2", 5, mesh("10.0.0.5")); // cannot happen for a leaving task; once let go it stays let go
    gate.applied("n2", 5);
    assertThat(told(leaving, nodes)).isEqualTo(TaskState.SHUTDOWN);
  }

  @Test
  void aNodeThatNeverAnswersHoldsTheTaskForTenSecondsAtMost() {
    Task leaving = task("old", TaskState.RUNNING, TaskState.SHUTDOWN, "10.0.0.5/24");
    gate.sent("n1", 1, mesh("10.0.0.6"));
    gate.applied("n1", 1);
    Set<String> nodes = Set.of("n1", "silent");
    assertThat(told(leaving, nodes)).as("the silent node's rules are unknown").isEqualTo(TaskState.RUNNING);
    clock.advance(RotationGate.MAX_HOLD.minus(Duration.ofMillis(1)));
    assertThat(told(leaving, nodes)).isEqualTo(TaskState.RUNNING);
    clock.advance(Duration.ofMillis(1));
    assertThat(told(leaving, nodes)).isEqualTo(TaskState.SHUTDOWN);
    assertThat(told(leaving, Set.of("n1"))).isEqualTo(TaskState.SHUTDOWN);
  }

  @Test
  void aGoneNodesRulesNoLongerCount() {
    Task leaving = task("old", TaskState.RUNNING, TaskState.SHUTDOWN, "10.0.0.5/24");
    gate.sent("n2", 1, mesh("10.0.0.5"));
    gate.applied("n2", 1);
    assertThat(told(leaving, Set.of("n2"))).isEqualTo(TaskState.RUNNING);
    gate.forget("n2");
    assertThat(told(leaving, Set.of())).isEqualTo(TaskState.SHUTDOWN);
  }

  @Test
  void tasksNotInAnyRotationAreNeverHeld() {
    gate.sent("n1", 1, mesh("10.0.0.5"));
    gate.applied("n1", 1);
    Set<String> nodes = Set.of("n1");
    assertThat(told(task("starting", TaskState.STARTING, TaskState.SHUTDOWN, "10.0.0.5/24"), nodes))
        .as("not running: in no rotation, and must not be started").isEqualTo(TaskState.SHUTDOWN);
    assertThat(told(task("plain", TaskState.RUNNING, TaskState.SHUTDOWN), nodes)).as("no network").isEqualTo(TaskState.SHUTDOWN);
    assertThat(told(task("staying", TaskState.RUNNING, TaskState.RUNNING, "10.0.0.5/24"), nodes)).isEqualTo(TaskState.RUNNING);
    assertThat(gate.holding()).isFalse();
  }

  @Test
  void anAcknowledgementOfASetNotSentOrLongReplacedCountsForNothing() {
    gate.sent("n1", 7, mesh("10.0.0.6"));
    assertThat(gate.applied("n1", 6)).isFalse();
    assertThat(gate.applied("n2", 7)).isFalse();
    assertThat(gate.applied("n1", 7)).isTrue();
    assertThat(gate.applied("n1", 7)).as("older sets are dropped with the one acknowledged").isFalse();
  }

  @Test
  void rotationCountsMeshBackendsAndServiceRecords() {
    NetworkView view = new NetworkView("192.0.2.1", "", List.of(new NetworkView.AttachedNetwork("net1", "back", "10.1.0.0/24",
        "10.1.0.1", 4097, false, false, false, List.of(),
        List.of(new NetworkView.ServiceRecord("api", "10.1.0.2", List.of("10.1.0.7"), List.of())))),
        List.of(new MeshEntry("svc", List.of(new MeshPort("tcp", 8080, 80)), List.of(new MeshTarget("10.0.0.5", true)))));
    assertThat(RotationGate.inRotation(view)).containsExactlyInAnyOrder("10.1.0.7", "10.0.0.5");
  }
}
