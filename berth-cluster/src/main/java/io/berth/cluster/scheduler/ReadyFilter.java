package io.berth.cluster.scheduler;

import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeState;

/** Only nodes that are ready and active take new tasks (not down, paused or drained). */
public final class ReadyFilter implements NodeFilter {
  private static final Check CHECK = n -> n.node().status().state() == NodeState.READY
      && n.node().spec().availability() == NodeAvailability.ACTIVE;

  @Override
  public Check prepare(TaskGroup group) {
    return CHECK;
  }

  @Override
  public boolean changesWithPlacements() {
    return false;
  }

  @Override
  public String explain(int nodes) {
    return NodeFilter.nodes(nodes) + " not available for new tasks";
  }
}
