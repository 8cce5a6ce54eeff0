package io.berth.cluster.scheduler;

import java.util.Comparator;

/** Among equals for the service, the node with fewer tasks in all comes first. */
public final class LeastLoadedRanker implements NodeRanker {
  private static final Comparator<NodeInfo> ORDER = (a, b) -> Integer.compare(a.totalTasks(), b.totalTasks());

  @Override
  public Comparator<NodeInfo> order(TaskGroup group) {
    return ORDER;
  }
}
