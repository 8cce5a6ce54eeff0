package io.berth.cluster.dispatcher;

import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.ConflictException;
import java.time.Clock;
import java.util.Optional;

/**
 * The dispatcher's writes to a node: its Status (state, message, address) and, when a session
 * opens, the Description the node gives of its machine (the agent's field). Other writers
 * (a user's node update, the node's description) may race it, so a conflict reads the node again
 * and retries a bounded number of times; an unchanged status is not written at all.
 */
final class NodeStatusWriter {
  static final int ATTEMPTS = 5;
  private final ClusterState state;
  private final Clock clock;

  NodeStatusWriter(ClusterState state, Clock clock) {
    this.state = state;
    this.clock = clock;
  }

  /**
   * Writes {@code nodeId}'s status; an address or description of null keeps the one stored.
   * Returns the node as stored (empty if it is not in the swarm).
   */
  Optional<Node> write(String nodeId, NodeState nodeState, String message, String addr, NodeDescription description) {
    for (int attempt = 1; ; attempt++) {
      Optional<Node> read = state.node(nodeId);
      if (read.isEmpty()) {
        return read;
      }
      Node node = read.get();
      NodeStatus next = new NodeStatus(nodeState, message, addr == null ? node.status().addr() : addr);
      NodeDescription described = description == null ? node.description() : description;
      if (next.equals(node.status()) && described.equals(node.description())) {
        return read;
      }
      try {
        state.batch().update(node.withStatus(next).withDescription(described).withUpdatedAt(clock.instant())).apply();
        return state.node(nodeId);
      } catch (ConflictException e) {
        if (attempt >= ATTEMPTS) {
          throw new ConflictException("node " + nodeId + ": status " + nodeState.wire() + " not written after "
              + ATTEMPTS + " conflicting writes", e);
        }
      }
    }
  }
}
