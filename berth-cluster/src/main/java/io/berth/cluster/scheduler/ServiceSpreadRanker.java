package io.berth.cluster.scheduler;

import java.util.Comparator;

/** Spreads a service: a node with fewer of its tasks comes first. */
public final class ServiceSpreadRanker implements NodeRanker {
  @Override
  public Comparator<NodeInfo> order(TaskGroup group) {
    String service = group.serviceId();
    return (a, b) -> Integer.compare(a.tasksOf(service), b.tasksOf(service));
  }
}
