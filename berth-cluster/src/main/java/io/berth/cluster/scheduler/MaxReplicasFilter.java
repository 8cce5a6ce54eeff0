package io.berth.cluster.scheduler;

/** A node may hold at most {@code --replicas-max-per-node} active tasks of the service. */
public final class MaxReplicasFilter implements NodeFilter {
  @Override
  public Check prepare(TaskGroup group) {
    long max = group.placement().maxReplicas();
    if (max == 0) {
      return null;
    }
    String service = group.serviceId();
    return n -> n.tasksOf(service) < max;
  }

  @Override
  public boolean changesWithPlacements() {
    return true;
  }

  /** swarmkit's text, which names no count. */
  @Override
  public String explain(int nodes) {
    return "max replicas per node limit exceed";
  }
}
