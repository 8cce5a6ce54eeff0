package io.berth.cluster.orchestrator;

import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeState;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * The nodes as one pass sees them, with how long a node had been silent when it was written
 * down (the heartbeat period times the missed beats the dispatcher allows). A task on a down node
 * stopped being seen at the node's last heartbeat, not when the node was written down, so its
 * restart delay counts from then; otherwise the grace and the delay would add up, and a worker's
 * tasks would be back elsewhere only after both.
 *
 * @param byId nodes by id, in id order (so passes over the same state decide the same way)
 * @param downSilence how long before being written down a down node last heartbeat
 */
record NodeView(Map<String, Node> byId, Duration downSilence) {
  Node get(String id) {
    return byId.get(id);
  }

  boolean contains(String id) {
    return byId.containsKey(id);
  }

  Collection<Node> all() {
    return byId.values();
  }

  /**
   * When a task last seen at {@code seen} on {@code node} was last known to run: earlier than
   * {@code seen} only when the node is down, at the node's last heartbeat.
   */
  static Instant lastKnown(Instant seen, Node node, Duration downSilence) {
    if (node == null || node.status().state() != NodeState.DOWN || node.updatedAt() == null) {
      return seen;
    }
    Instant lastBeat = node.updatedAt().minus(downSilence);
    return lastBeat.isBefore(seen) ? lastBeat : seen;
  }
}
