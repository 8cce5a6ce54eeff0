package io.berth.cluster.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A manager is shown with Raft's view of the moment: the leader, the members reachable unless down. */
class ManagerStatusesTest {
  private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");

  private static Node node(String id, NodeRole role, NodeState state, ManagerStatus stored) {
    return new Node(id, null, AT, AT, new NodeSpec(null, null, role, null), new NodeDescription(id, null, null, null),
        new NodeStatus(state, "", "10.0.0.1"), stored);
  }

  @Test
  void fillsLeaderReachabilityAndAddressFromTheRaftGroup() {
    Map<String, String> members = Map.of("m1", "10.0.0.1:2377", "m2", "10.0.0.2:2377");
    Node leader = ManagerStatuses.shown(node("m1", NodeRole.MANAGER, NodeState.READY, null), Optional.of("m1"), members);
    assertThat(leader.managerStatus()).isEqualTo(new ManagerStatus(true, ManagerStatus.Reachability.REACHABLE,
        "10.0.0.1:2377"));
    Node down = ManagerStatuses.shown(node("m2", NodeRole.MANAGER, NodeState.DOWN,
        new ManagerStatus(false, ManagerStatus.Reachability.REACHABLE, "10.0.0.2:2377")), Optional.of("m1"), members);
    assertThat(down.managerStatus().reachability()).isEqualTo(ManagerStatus.Reachability.UNREACHABLE);
    assertThat(down.managerStatus().leader()).isFalse();
    Node worker = node("w1", NodeRole.WORKER, NodeState.READY, null);
    assertThat(ManagerStatuses.shown(worker, Optional.of("m1"), members).managerStatus()).isNull();
  }
}
