package io.berth.cluster.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Why no node took a task, in Docker's words: every node goes through the filters in order and
 * the first that refuses it counts the node; the counts, most first (ties in pipeline order),
 * make "no suitable node (insufficient resources on 2 nodes; scheduling constraints not
 * satisfied on 1 node)". Computed once per group that runs out of nodes, not per task.
 */
final class Explanation {
  private Explanation() {}

  static String of(List<NodeFilter> filters, List<NodeFilter.Check> checks, List<NodeInfo> nodes) {
    String reasons = reasons(filters, checks, nodes);
    return reasons.isEmpty() ? "no suitable node" : "no suitable node (" + reasons + ")";
  }

  /** The reasons alone ("insufficient resources on 1 node"), empty when every node passes. */
  static String reasons(List<NodeFilter> filters, List<NodeFilter.Check> checks, List<NodeInfo> nodes) {
    int[] failures = new int[filters.size()];
    for (NodeInfo n : nodes) {
      for (int i = 0; i < checks.size(); i++) {
        NodeFilter.Check c = checks.get(i);
        if (c != null && !c.accepts(n)) {
          failures[i]++;
          break;
        }
      }
    }
    List<Integer> failed = new ArrayList<>();
    for (int i = 0; i < failures.length; i++) {
      if (failures[i] > 0) {
        failed.add(i);
      }
    }
    failed.sort(Comparator.comparingInt((Integer i) -> -failures[i]));
    StringBuilder text = new StringBuilder();
    for (int k = 0; k < failed.size(); k++) {
      int i = failed.get(k);
      text.append(k == 0 ? "" : "; ").append(filters.get(i).explain(failures[i]));
    }
    return text.toString();
  }
}
