package io.berth.cluster.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.orchestrator.LeaderLoops;
import io.berth.cluster.state.ClusterState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager loops on a three-manager Raft group: each member runs {@link LeaderLoops}, the
 * leader's loops place a service; when that leader stops, the new leader's loops take over from
 * what is stored (nothing carried in memory) and act on the next change.
 */
class ManagerLoopsFailoverTest {
  @TempDir Path dir;

  @Test
  void theNewLeadersLoopsCarryOnFromTheStoredState() {
    Map<String, LeaderLoops> loops = new HashMap<>();
    try (RaftTestGroup group = new RaftTestGroup(dir).startAll(3)) {
      for (String id : List.of("m1", "m2", "m3")) {
        RaftClusterStore store = group.get(id);
        LeaderLoops l = new LeaderLoops(new ClusterState(store), Clock.systemUTC(), store::isLeader);
        l.start();
        loops.put(id, l);
      }
      ClusterState leader = new ClusterState(group.awaitLeader());
      Instant now = Instant.now();
      for (String n : List.of("w1", "w2", "w3")) {
        leader.batch().create(new Node(n, null, now, now, new NodeSpec(null, null, NodeRole.WORKER, NodeAvailability.ACTIVE),
            new NodeDescription("host-" + n, null, null, null), new NodeStatus(NodeState.READY, null, null))).apply();
      }
      leader.batch().create(new Service("web", null, now, now, new ServiceSpec("web", null,
          TaskSpec.of(ContainerSpec.of("it/busybox:1")), ServiceMode.ofReplicated(2), null))).apply();
      RaftTestGroup.await("two tasks assigned", () -> assigned(leader) == 2);

      String old = group.awaitLeader().id();
      loops.remove(old).close();
      group.stop(old);
      ClusterState next = new ClusterState(group.awaitLeader());
      RaftTestGroup.await("the new leader's loops running", () -> loops.values().stream().anyMatch(LeaderLoops::leading));

      Service web = next.service("web").orElseThrow();
      next.batch().update(new Service(web.id(), web.version(), web.createdAt(), Instant.now(),
          new ServiceSpec("web", null, web.spec().taskTemplate(), ServiceMode.ofReplicated(3), null))).apply();
      RaftTestGroup.await("three tasks assigned on three nodes", () -> assigned(next) == 3
          && next.tasks().stream().map(Task::nodeId).distinct().count() == 3);
      assertThat(next.tasks()).extracting(Task::slot).containsExactlyInAnyOrder(1L, 2L, 3L);
    } finally {
      loops.values().forEach(LeaderLoops::close);
    }
  }

  private static long assigned(ClusterState s) {
    return s.tasks().stream().filter(t -> t.status().state() == TaskState.ASSIGNED).count();
  }
}
