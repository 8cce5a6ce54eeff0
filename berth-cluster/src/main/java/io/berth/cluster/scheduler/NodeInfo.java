package io.berth.cluster.scheduler;

import io.berth.cluster.model.Node;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.Resources;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A node as the scheduler sees it: the node and what its active tasks take (resources still free,
 * tasks per service, host ports in use), kept up to date as tasks are placed so no placement is
 * counted from scratch. Mutable and confined to the scheduler's thread.
 */
public final class NodeInfo {
  private final Node node;
  private final int order;
  private long freeNanoCpus;
  private long freeMemoryBytes;
  private int totalTasks;
  private final Map<String, int[]> tasksByService = new HashMap<>();
  private Set<Integer> hostPorts;
  // the last service asked about: a group's rankers ask for the same one over and over
  private String lastService;
  private int[] lastCount;

  NodeInfo(Node node, int order) {
    this.node = node;
    this.order = order;
    Resources total = node.description().resources();
    this.freeNanoCpus = total.nanoCpus();
    this.freeMemoryBytes = total.memoryBytes();
  }

  public Node node() {
    return node;
  }

  public String id() {
    return node.id();
  }

  /** Position in the node set (by node ID): the last tie-break, so placements are reproducible. */
  int order() {
    return order;
  }

  public long freeNanoCpus() {
    return freeNanoCpus;
  }

  public long freeMemoryBytes() {
    return freeMemoryBytes;
  }

  public int totalTasks() {
    return totalTasks;
  }

  public int tasksOf(String serviceId) {
    if (serviceId != lastService) {
      lastCount = tasksByService.get(serviceId);
      lastService = serviceId;
    }
    return lastCount == null ? 0 : lastCount[0];
  }

  public boolean hostPortInUse(PortConfig port) {
    return hostPorts != null && hostPorts.contains(portKey(port));
  }

  /** True for a task that holds resources on its node: still meant to run and not finished. */
  static boolean isActive(Task task) {
    return task.desiredState().compareTo(TaskState.COMPLETE) <= 0 && !task.status().state().isTerminal();
  }

  /** Counts a task placed here: its reservations, its service, its host ports. */
  void add(String serviceId, Resources reserved, Iterable<PortConfig> ports) {
    freeNanoCpus -= reserved.nanoCpus();
    freeMemoryBytes -= reserved.memoryBytes();
    totalTasks++;
    lastCount = tasksByService.computeIfAbsent(serviceId, k -> new int[1]);
    lastCount[0]++;
    lastService = serviceId;
    for (PortConfig p : ports) {
      if (p.takesHostPort()) {
        if (hostPorts == null) {
          hostPorts = new HashSet<>();
        }
        hostPorts.add(portKey(p));
      }
    }
  }

  private static int portKey(PortConfig p) {
    return p.protocol().ordinal() << 16 | p.publishedPort();
  }

  @Override
  public String toString() {
    return "NodeInfo[" + id() + ", tasks " + totalTasks + "]";
  }
}
