package io.berth.cluster.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Spread preferences as swarmkit applies them: nodes are grouped by the first preference's
 * label value, each group by the second's, and so on; a task goes to the group (at each level)
 * holding the fewest of its service's tasks, ties to the smaller value, and within the last
 * level to the best node of the rankers' order. A group whose nodes can take no more is left
 * out. Without preferences the tree is a single {@link NodeQueue}.
 */
final class SpreadTree {
  private final String value;
  private long serviceTasks;
  private final NodeQueue leaf;
  private final PriorityQueue<SpreadTree> children;

  private SpreadTree(String value, long serviceTasks, NodeQueue leaf, PriorityQueue<SpreadTree> children) {
    this.value = value;
    this.serviceTasks = serviceTasks;
    this.leaf = leaf;
    this.children = children;
  }

  private static final Comparator<SpreadTree> FEWEST_FIRST =
      Comparator.<SpreadTree>comparingLong(t -> t.serviceTasks).thenComparing(t -> t.value);

  static SpreadTree build(List<NodeInfo> nodes, List<SpreadPreference> preferences, String serviceId,
      Comparator<NodeInfo> order) {
    return build("", nodes, preferences, 0, serviceId, order);
  }

  private static SpreadTree build(String value, List<NodeInfo> nodes, List<SpreadPreference> preferences, int level,
      String serviceId, Comparator<NodeInfo> order) {
    long tasks = 0;
    for (NodeInfo n : nodes) {
      tasks += n.tasksOf(serviceId);
    }
    if (level == preferences.size()) {
      return new SpreadTree(value, tasks, new NodeQueue(nodes, order), null);
    }
    SpreadPreference pref = preferences.get(level);
    Map<String, List<NodeInfo>> groups = new LinkedHashMap<>();
    for (NodeInfo n : nodes) {
      groups.computeIfAbsent(pref.valueOf(n), k -> new ArrayList<>()).add(n);
    }
    PriorityQueue<SpreadTree> children = new PriorityQueue<>(Math.max(1, groups.size()), FEWEST_FIRST);
    for (var g : groups.entrySet()) {
      children.add(build(g.getKey(), g.getValue(), preferences, level + 1, serviceId, order));
    }
    return new SpreadTree(value, tasks, null, children);
  }

  /** A node for one more task, counted there; null when no node under this tree takes it. */
  NodeInfo place(Placer placer) {
    NodeInfo chosen = leaf != null ? placeOnLeaf(placer) : placeOnChild(placer);
    if (chosen != null) {
      serviceTasks++;
    }
    return chosen;
  }

  private NodeInfo placeOnLeaf(Placer placer) {
    for (NodeInfo n = leaf.peek(); n != null; n = leaf.peek()) {
      if (placer.fits(n)) {
        placer.place(n);
        leaf.headChanged();
        return n;
      }
      leaf.dropHead();
    }
    return null;
  }

  private NodeInfo placeOnChild(Placer placer) {
    while (!children.isEmpty()) {
      SpreadTree best = children.poll();
      NodeInfo n = best.place(placer);
      if (n != null) {
        children.add(best);
        return n;
      }
    }
    return null;
  }

  /** The group's changing checks and accounting, supplied by the scheduler. */
  interface Placer {
    boolean fits(NodeInfo node);

    void place(NodeInfo node);
  }
}
