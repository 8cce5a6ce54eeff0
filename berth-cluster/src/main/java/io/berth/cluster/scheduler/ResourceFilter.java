package io.berth.cluster.scheduler;

import io.berth.cluster.model.Resources;

/** A node must still have the CPU and memory the task reserves free. */
public final class ResourceFilter implements NodeFilter {
  @Override
  public Check prepare(TaskGroup group) {
    Resources r = group.reserved();
    if (r.isZero()) {
      return null;
    }
    long cpu = r.nanoCpus();
    long mem = r.memoryBytes();
    return n -> cpu <= n.freeNanoCpus() && mem <= n.freeMemoryBytes();
  }

  @Override
  public boolean changesWithPlacements() {
    return true;
  }

  @Override
  public String explain(int nodes) {
    return "insufficient resources on " + NodeFilter.nodes(nodes);
  }
}
