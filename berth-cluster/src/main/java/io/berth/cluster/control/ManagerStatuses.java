package io.berth.cluster.control;

import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeState;
import java.util.Map;
import java.util.Optional;

/**
 * A node as Docker shows it: a manager's {@code ManagerStatus} is filled when the node is read,
 * from the managers' Raft group (swarmkit's control API does the same), because who leads and who
 * is a member change without a write to the node. A member not seen down is reachable; the leader
 * is the one Raft names.
 */
public final class ManagerStatuses {
  private ManagerStatuses() {}

  /**
   * @param leaderId the Raft leader's node id, if known
   * @param members the Raft group's node ids with their dispatcher addresses
   */
  public static Node shown(Node node, Optional<String> leaderId, Map<String, String> members) {
    ManagerStatus stored = node.managerStatus();
    boolean member = members.containsKey(node.id());
    if (stored == null && !member) {
      return node;
    }
    String addr = stored != null && !stored.addr().isEmpty() ? stored.addr() : members.getOrDefault(node.id(), "");
    boolean leader = leaderId.filter(node.id()::equals).isPresent();
    boolean reachable = leader || (member && node.status().state() != NodeState.DOWN);
    return node.withManagerStatus(new ManagerStatus(leader,
        reachable ? ManagerStatus.Reachability.REACHABLE : ManagerStatus.Reachability.UNREACHABLE, addr));
  }
}
