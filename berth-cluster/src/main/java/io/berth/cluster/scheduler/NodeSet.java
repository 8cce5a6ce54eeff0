package io.berth.cluster.scheduler;

import io.berth.cluster.model.Node;
import io.berth.cluster.model.Task;
import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes a scheduling pass works on, with the active tasks already on them counted once at
 * the start; each placement then updates the one node it touches. Kept between passes by a
 * caller that schedules again and again over the same cluster.
 */
public final class NodeSet {
  private final List<NodeInfo> nodes;
  private final Map<String, NodeInfo> byId;

  private NodeSet(List<NodeInfo> nodes) {
    this.nodes = Collections.unmodifiableList(nodes);
    this.byId = new HashMap<>(nodes.size() * 2);
    for (NodeInfo n : nodes) {
      byId.put(n.id(), n);
    }
  }

  /** The nodes (in node-ID order) with {@code tasks}' active ones counted on the nodes they name. */
  public static NodeSet of(Collection<Node> nodes, Collection<Task> tasks) {
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort(Comparator.comparing(Node::id));
    List<NodeInfo> infos = new ArrayList<>(sorted.size());
    for (Node n : sorted) {
      if (!infos.isEmpty() && infos.getLast().id().equals(n.id())) {
        throw new InvalidArgumentException("node " + n.id() + " is listed twice");
      }
      infos.add(new NodeInfo(n, infos.size()));
    }
    NodeSet set = new NodeSet(infos);
    for (Task t : tasks) {
      NodeInfo on = set.byId.get(t.nodeId());
      if (on != null && NodeInfo.isActive(t) && !t.isAttachment()) { // an attachment holds an address, no resources
        on.add(t.serviceId(), t.spec().resources().reserved(), t.endpoint().ports());
      }
    }
    return set;
  }

  public List<NodeInfo> all() {
    return nodes;
  }

  public NodeInfo get(String id) {
    return byId.get(id);
  }

  public int size() {
    return nodes.size();
  }
}
