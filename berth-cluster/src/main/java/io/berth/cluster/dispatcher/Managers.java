package io.berth.cluster.dispatcher;

import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Node;
import io.berth.cluster.state.ClusterState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the managers' dispatchers are, read from the nodes' ManagerStatus: what nodes are told
 * at join and on every session message, so they can reach another manager when theirs goes away.
 */
final class Managers {
  private Managers() {}

  static List<String> addresses(ClusterState state) {
    return state.nodes().stream()
        .map(Node::managerStatus)
        .filter(Objects::nonNull)
        .map(ManagerStatus::addr)
        .filter(a -> !a.isEmpty())
        .distinct()
        .sorted()
        .toList();
  }

  /** The dispatcher address of the manager with node id {@code nodeId}. */
  static Optional<String> addressOf(ClusterState state, String nodeId) {
    return state.node(nodeId).map(Node::managerStatus).map(ManagerStatus::addr).filter(a -> !a.isEmpty());
  }
}
