package io.berth.cluster.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.errdefs.ConflictException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Objects go in as Docker's JSON and come back with the store's version, which updates must name. */
class ClusterStateTest {
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final Instant at = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void readsBackWithTheStoresVersionAndRefusesAStaleUpdate() {
    state.batch().create(new Node("n1", null, at, at, null, null, null)).apply();
    Node read = state.node("n1").orElseThrow();
    assertThat(read.version().index()).isEqualTo(state.store().index());

    Node drained = read.withSpec(read.spec().withAvailability(NodeAvailability.DRAIN));
    state.batch().update(drained).apply();
    assertThat(state.node("n1").orElseThrow().spec().availability()).isEqualTo(NodeAvailability.DRAIN);
    assertThat(state.node("n1").orElseThrow().version().index()).isGreaterThan(read.version().index());

    assertThatThrownBy(() -> state.batch().update(read).apply()).isInstanceOf(ConflictException.class);
  }

  @Test
  void listsTasksByServiceAndNodeAndTakesABatchWhole() {
    ServiceSpec spec = new ServiceSpec("web", null, TaskSpec.of(ContainerSpec.of("bb:1")), null, null);
    Service svc = new Service("s1", null, at, at, spec);
    Task t1 = new Task("t1", null, at, at, spec.taskTemplate(), "s1", 1, "n1", null, null, null);
    Task t2 = new Task("t2", null, at, at, spec.taskTemplate(), "s1", 2, "n2", null, null, null);
    state.batch().create(svc).create(t1).create(t2)
        .create(new Cluster("c1", null, at, at, SwarmSpec.defaults(), null, false)).apply();

    assertThat(state.tasksOfService("s1")).extracting(Task::id).containsExactly("t1", "t2");
    assertThat(state.tasksOnNode("n2")).extracting(Task::id).containsExactly("t2");
    assertThat(state.cluster().orElseThrow().spec().dispatcher().heartbeatPeriodNanos())
        .isEqualTo(SwarmSpec.DEFAULT_HEARTBEAT_NANOS);

    long before = state.store().index();
    assertThatThrownBy(() -> state.batch().delete(ClusterState.TASKS, "t1").create(t2).apply())
        .hasMessageContaining("t2");
    assertThat(state.store().index()).isEqualTo(before);
    assertThat(state.snapshot().tasks()).hasSize(2);
  }
}
