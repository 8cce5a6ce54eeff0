package io.berth.cluster.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Node updates and removals follow swarmkit's rules; tasks are found with Docker's filters. */
class NodeControlTest {
  private final Instant at = Instant.parse("2026-12-06T10:00:00Z");
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final Clock clock = Clock.fixed(at, ZoneOffset.UTC);
  private final NodeControl nodes = new NodeControl(state, clock);

  private void node(String id, String host, NodeRole role, NodeState s) {
    state.batch().create(new Node(id, null, at, at, new NodeSpec(null, Map.of(), role, null),
        new NodeDescription(host, null, null, null), new NodeStatus(s, "", "10.0.0.1"))).apply();
  }

  @Test
  void updatesTheSpecFromTheVersionReadAndFindsByHostname() {
    node("n1aaaaaaaaaaaaaaaaaaaaaaa", "alpha", NodeRole.MANAGER, NodeState.READY);
    Node n = nodes.inspect("ALPHA");
    Node drained = nodes.update("alpha", n.version().index(),
        new NodeSpec(null, Map.of("zone", "a"), NodeRole.MANAGER, NodeAvailability.DRAIN));
    assertThat(drained.spec().availability()).isEqualTo(NodeAvailability.DRAIN);
    assertThat(nodes.list(new Filters(Map.of("node.label", List.of("zone=a"))))).hasSize(1);
    assertThat(nodes.list(new Filters(Map.of("role", List.of("worker"))))).isEmpty();
    assertThatThrownBy(() -> nodes.update("alpha", n.version().index(), n.spec()))
        .hasMessageContaining("update out of sequence");
  }

  @Test
  void neverDemotesTheLastManager() {
    node("n1aaaaaaaaaaaaaaaaaaaaaaa", "alpha", NodeRole.MANAGER, NodeState.READY);
    Node n = nodes.inspect("alpha");
    assertThatThrownBy(() -> nodes.update("alpha", n.version().index(),
        new NodeSpec(null, null, NodeRole.WORKER, null)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm");
    // from a stale version too: the node's own writers may have moved it since the CLI read it
    assertThatThrownBy(() -> nodes.update("alpha", n.version().index() - 1,
        new NodeSpec(null, null, NodeRole.WORKER, null)))
        .hasMessageContaining("attempting to demote the last manager of the swarm");
  }

  @Test
  void removesAReadyNodeOnlyWithForceAndOrphansItsTasks() {
    node("m1aaaaaaaaaaaaaaaaaaaaaaa", "alpha", NodeRole.MANAGER, NodeState.READY);
    node("w1aaaaaaaaaaaaaaaaaaaaaaa", "beta", NodeRole.WORKER, NodeState.READY);
    TaskSpec ts = TaskSpec.of(ContainerSpec.of("bb:1"));
    state.batch().create(new Task("t1", null, at, at, ts, "s1", 1, "w1aaaaaaaaaaaaaaaaaaaaaaa",
        new TaskStatus(at, TaskState.RUNNING, "started", null), null, null)).apply();

    assertThatThrownBy(() -> nodes.remove("alpha", true)).hasMessageContaining(
        "is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal");
    assertThatThrownBy(() -> nodes.remove("beta", false))
        .hasMessage("rpc error: code = FailedPrecondition desc = node w1aaaaaaaaaaaaaaaaaaaaaaa is not down "
            + "and can't be removed");
    nodes.remove("beta", true);
    assertThat(state.node("w1aaaaaaaaaaaaaaaaaaaaaaa")).isEmpty();
    assertThat(state.task("t1").orElseThrow().status().state()).isEqualTo(TaskState.ORPHANED);
  }

  @Test
  void tasksAreFilteredByServiceAndNodeNames() {
    node("w1aaaaaaaaaaaaaaaaaaaaaaa", "beta", NodeRole.WORKER, NodeState.READY);
    ServiceControl services = new ServiceControl(state, clock);
    var web = services.create(ServiceSpecReader.read(ServiceSpecReaderTest.json(ServiceSpecReaderTest.PLAIN),
        () -> "x"), null);
    TaskSpec ts = web.spec().taskTemplate();
    state.batch()
        .create(new Task("t1aaaa", null, at, at, ts, web.id(), 1, "w1aaaaaaaaaaaaaaaaaaaaaaa", null, null, null))
        .create(new Task("t2bbbb", null, at, at, ts, "other", 1, "", null, TaskState.SHUTDOWN, null)).apply();
    TaskQueries tasks = new TaskQueries(state, clock);
    assertThat(tasks.list(new Filters(Map.of("service", List.of("web"))))).extracting(Task::id).containsExactly("t1aaaa");
    assertThat(tasks.list(new Filters(Map.of("node", List.of("beta"))))).extracting(Task::id).containsExactly("t1aaaa");
    assertThat(tasks.list(new Filters(Map.of("desired-state", List.of("shutdown"))))).extracting(Task::id)
        .containsExactly("t2bbbb");
    assertThat(tasks.list(new Filters(Map.of("name", List.of("web.1"))))).extracting(Task::id).containsExactly("t1aaaa");
    assertThat(tasks.inspect("t2").id()).isEqualTo("t2bbbb");
    assertThatThrownBy(() -> tasks.list(new Filters(Map.of("service", List.of("nope")))))
        .hasMessage("service nope not found");
    assertThatThrownBy(() -> tasks.inspect("zz")).hasMessage("task zz not found");
  }
}
