package io.berth.cluster.scheduler;

import static io.berth.cluster.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.Placement;
import io.berth.cluster.model.PlacementPreference;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private final Scheduler scheduler = Scheduler.standard(Clock.fixed(NOW, ZoneOffset.UTC));

  private static List<Task> tasks(String service, TaskSpec spec, int n) {
    List<Task> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(pending(service + "." + i, service, spec));
    }
    return out;
  }

  private static Map<String, Long> perNode(List<Task> tasks) {
    return tasks.stream().collect(Collectors.groupingBy(Task::nodeId, TreeMap::new, Collectors.counting()));
  }

  private static List<Node> nodes(int n) {
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(node("n" + i));
    }
    return out;
  }

  @Test
  void spreadsAServiceEvenlyAndAssignsWithDockersMessage() {
    Decisions d = scheduler.schedule(NodeSet.of(nodes(3), List.of()), tasks("web", spec(), 7));
    assertThat(d.pending()).isEmpty();
    assertThat(perNode(d.assigned())).isEqualTo(Map.of("n0", 3L, "n1", 2L, "n2", 2L));
    Task t = d.assigned().getFirst();
    assertThat(t.status().state()).isEqualTo(TaskState.ASSIGNED);
    assertThat(t.status().message()).isEqualTo("scheduler assigned task to node");
    assertThat(t.status().timestamp()).isEqualTo(NOW);
  }

  @Test
  void spreadsTheServiceFirstThenPrefersTheLeastLoadedNode() {
    // n0 already runs two tasks of another service: the new service's first task goes elsewhere,
    // and the service's tasks still spread one per node before any node gets a second
    NodeSet set = NodeSet.of(nodes(3), List.of(running("x1", "x", spec(), "n0"), running("x2", "x", spec(), "n0"),
        running("w0", "web", spec(), "n1")));
    Decisions d = scheduler.schedule(set, tasks("web", spec(), 2));
    assertThat(d.assigned()).extracting(Task::nodeId).containsExactly("n2", "n0");
  }

  @Test
  void accountsPlacementsAcrossPasses() {
    NodeSet set = NodeSet.of(nodes(2), List.of());
    scheduler.schedule(set, tasks("a", spec(), 3));
    Decisions d = scheduler.schedule(set, List.of(pending("b.0", "b", spec())));
    assertThat(d.assigned().getFirst().nodeId()).isEqualTo("n1");
    assertThat(set.get("n0").totalTasks() + set.get("n1").totalTasks()).isEqualTo(4);
  }

  @Test
  void spreadsOverPreferenceValuesBeforeNodes() {
    // zone east has 3 nodes, west 1: spread by zone puts half the tasks on west's single node
    List<Node> ns = List.of(node("e1", Map.of("zone", "east")), node("e2", Map.of("zone", "east")),
        node("e3", Map.of("zone", "east")), node("w1", Map.of("zone", "west")));
    TaskSpec spec = spec().withPlacement(new Placement(null, List.of(PlacementPreference.spread("node.labels.zone")), 0, null));
    Decisions d = scheduler.schedule(NodeSet.of(ns, List.of()), tasks("web", spec, 6));
    assertThat(perNode(d.assigned())).isEqualTo(Map.of("e1", 1L, "e2", 1L, "e3", 1L, "w1", 3L));
  }

  @Test
  void nestedPreferencesSpreadAtEachLevelAndNodesWithoutTheLabelFormTheirOwnGroup() {
    List<Node> ns = List.of(
        node("a1", Map.of("dc", "a", "rack", "1")), node("a2", Map.of("dc", "a", "rack", "1")),
        node("a3", Map.of("dc", "a", "rack", "2")), node("b1", Map.of("dc", "b", "rack", "1")),
        node("x1"));
    TaskSpec spec = spec().withPlacement(new Placement(null, List.of(PlacementPreference.spread("node.labels.dc"),
        PlacementPreference.spread("node.labels.rack")), 0, null));
    Decisions d = scheduler.schedule(NodeSet.of(ns, List.of()), tasks("web", spec, 6));
    // 2 per dc value (a, b and the unlabelled ""), within dc a one per rack
    assertThat(perNode(d.assigned())).isEqualTo(Map.of("a1", 1L, "a3", 1L, "b1", 2L, "x1", 2L));
  }

  @Test
  void preferencesCountTheServicesExistingTasks() {
    List<Node> ns = List.of(node("e1", Map.of("zone", "east")), node("w1", Map.of("zone", "west")));
    TaskSpec spec = spec().withPlacement(new Placement(null, List.of(PlacementPreference.spread("node.labels.zone")), 0, null));
    NodeSet set = NodeSet.of(ns, List.of(running("old1", "web", spec, "e1"), running("old2", "web", spec, "e1")));
    Decisions d = scheduler.schedule(set, tasks("web", spec, 3));
    assertThat(perNode(d.assigned())).isEqualTo(Map.of("e1", 1L, "w1", 2L));
  }

  @Test
  void keepsToNodesMatchingTheConstraints() {
    List<Node> ns = List.of(node("a", Map.of("tier", "db")), node("b"), node("c", Map.of("tier", "db")));
    Decisions d = scheduler.schedule(NodeSet.of(ns, List.of()), tasks("db", constrained("node.labels.tier==db"), 4));
    assertThat(perNode(d.assigned())).isEqualTo(Map.of("a", 2L, "c", 2L));
  }

  @Test
  void leavesWhatDoesNotFitPendingWithDockersExplanation() {
    // b and c have all 4 CPUs taken, d fails the constraint: two tasks of 2 CPUs fit on a, the third nowhere
    List<Node> ns = List.of(node("a"), node("b"), node("c"), node("d", Map.of("tier", "web")));
    NodeSet set = NodeSet.of(ns, List.of(running("x1", "x", reserving(4 * CPU, 0), "b"),
        running("x2", "x", reserving(4 * CPU, 0), "c")));
    TaskSpec spec = reserving(2 * CPU, GIB).withPlacement(new Placement(List.of("node.labels.tier!=web"), null, 0, null));
    Decisions d = scheduler.schedule(set, tasks("big", spec, 3));
    assertThat(d.assigned()).extracting(Task::nodeId).containsExactly("a", "a");
    Task left = d.pending().getFirst();
    assertThat(left.status().state()).isEqualTo(TaskState.PENDING);
    assertThat(left.nodeId()).isEmpty();
    assertThat(left.status().err())
        .isEqualTo("no suitable node (insufficient resources on 3 nodes; scheduling constraints not satisfied on 1 node)");
  }

  @Test
  void explainsEveryFilterByItsFirstFailure() {
    List<Node> ns = List.of(down(node("a")), withAvailability(node("b"), NodeAvailability.DRAIN), node("c"));
    NodeSet set = NodeSet.of(ns, List.of());
    Decisions d = scheduler.schedule(set, tasks("s", constrained("node.role==manager"), 1));
    assertThat(d.pending().getFirst().status().err())
        .isEqualTo("no suitable node (2 nodes not available for new tasks; scheduling constraints not satisfied on 1 node)");
    assertThat(scheduler.schedule(NodeSet.of(List.of(), List.of()), tasks("s", spec(), 1)).pending().getFirst()
        .status().err()).isEqualTo("no suitable node");
  }

  @Test
  void honoursMaxReplicasPerNode() {
    TaskSpec spec = spec().withPlacement(new Placement(null, null, 1, null));
    Decisions d = scheduler.schedule(NodeSet.of(nodes(2), List.of()), tasks("s", spec, 3));
    assertThat(perNode(d.assigned())).isEqualTo(Map.of("n0", 1L, "n1", 1L));
    assertThat(d.pending()).singleElement().extracting(t -> t.status().err())
        .isEqualTo("no suitable node (max replicas per node limit exceed)");
  }

  @Test
  void placesOneHostModePortPerNode() {
    PortConfig p = new PortConfig(null, null, 80, 8080, PublishMode.HOST);
    List<Task> ts = List.of(pending("s.1", "s", spec(), List.of(p)), pending("s.2", "s", spec(), List.of(p)),
        pending("s.3", "s", spec(), List.of(p)));
    Decisions d = scheduler.schedule(NodeSet.of(nodes(2), List.of()), ts);
    assertThat(perNode(d.assigned())).isEqualTo(Map.of("n0", 1L, "n1", 1L));
    assertThat(d.pending().getFirst().status().err()).isEqualTo("no suitable node (host-mode port already in use on 2 nodes)");
  }

  @Test
  void aBadConstraintLeavesTheTasksPendingWithTheReason() {
    Decisions d = scheduler.schedule(NodeSet.of(nodes(1), List.of()), tasks("s", constrained("node.rack==1"), 1));
    assertThat(d.pending().getFirst().status().err()).startsWith("invalid constraint 'node.rack==1'");
  }

  @Test
  void placesNothingThatShouldNoLongerRunAndRefusesTasksThatAreNotPending() {
    Task stopped = pending("s.1", "s", spec()).withDesiredState(TaskState.SHUTDOWN);
    Decisions d = scheduler.schedule(NodeSet.of(nodes(1), List.of()), List.of(stopped));
    assertThat(d.assigned()).isEmpty();
    assertThat(d.pending()).containsExactly(stopped);
    assertThatThrownBy(() -> scheduler.schedule(NodeSet.of(nodes(1), List.of()), List.of(running("r", "s", spec(), "n0"))))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("task r is running, not pending");
  }

  @Test
  void tasksOfSeveralServicesInOneBatch() {
    List<Task> batch = new ArrayList<>(tasks("a", spec(), 4));
    batch.addAll(tasks("b", constrained("node.id==n1"), 2));
    Decisions d = scheduler.schedule(NodeSet.of(nodes(2), List.of()), batch);
    Map<String, Map<String, Long>> byService = d.assigned().stream().collect(Collectors.groupingBy(Task::serviceId,
        Collectors.collectingAndThen(Collectors.toList(), SchedulerTest::perNode)));
    assertThat(byService).isEqualTo(Map.of("a", Map.of("n0", 2L, "n1", 2L), "b", Map.of("n1", 2L)));
    assertThat(d.assigned()).extracting(Task::id).doesNotHaveDuplicates().hasSize(6);
    assertThat(d.assigned().stream().map(Task::id).collect(Collectors.toMap(Function.identity(), x -> 1))).hasSize(6);
  }

  @Test
  void checksTasksMadeForOneNodeAgainstThatNodeOnlyAndFirst() {
    NodeSet set = NodeSet.of(List.of(node("n0", Map.of("tier", "db")), node("n1")), List.of());
    TaskSpec big = reserving(3 * CPU, 0);
    Task forN0 = pending("g.n0", "g", big).withNode("n0");
    Task forN1 = pending("g.n1", "g", constrained("node.labels.tier==db")).withNode("n1");
    Task forGone = pending("g.gone", "g", big).withNode("gone");
    // the replicated task comes first in the batch, yet n0's reservation is counted before it is placed
    Decisions d = scheduler.schedule(set, List.of(pending("r.0", "r", big), forN0, forN1, forGone));
    assertThat(d.assigned()).extracting(Task::id, Task::nodeId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("g.n0", "n0"), org.assertj.core.groups.Tuple.tuple("r.0", "n1"));
    assertThat(d.assigned().getFirst().status().message()).isEqualTo("scheduler confirmed task can run on preassigned node");
    assertThat(d.pending()).extracting(Task::id, t -> t.status().err()).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("g.n1", "scheduling constraints not satisfied on 1 node"),
        org.assertj.core.groups.Tuple.tuple("g.gone", null));
  }
}
