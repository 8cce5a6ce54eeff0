package io.berth.cluster.scheduler;

import java.util.Comparator;

/**
 * One ranking criterion among feasible nodes: the scheduler orders nodes by its rankers in turn
 * (the first that tells two nodes apart decides), then by node ID.
 */
public interface NodeRanker {
  /** The order, best node first, for placing tasks of {@code group}. */
  Comparator<NodeInfo> order(TaskGroup group);
}
