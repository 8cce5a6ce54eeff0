package io.berth.cluster.scheduler;

import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places pending tasks on nodes. Tasks are taken a group at a time (same service, spec and
 * endpoint, as swarmkit batches them): the filters are prepared once, the ones that cannot change
 * while placing (ready, constraints, platform) are run once per node, the feasible nodes go into
 * a {@link SpreadTree} ordered by the rankers, and each task takes the best node that passes the
 * changing filters (resources, host ports, max replicas), which is then counted on at once. The
 * work is about one filter pass over the nodes per group plus a heap step per task. Tasks that
 * already name a node (a global service's) are only checked against it, first.
 */
public final class Scheduler {
  private final List<NodeFilter> filters;
  private final List<NodeRanker> rankers;
  private final Clock clock;

  public Scheduler(List<NodeFilter> filters, List<NodeRanker> rankers, Clock clock) {
    this.filters = List.copyOf(filters);
    this.rankers = List.copyOf(rankers);
    this.clock = clock;
  }

  /** swarmkit's pipeline and order: spread the service, then the least loaded node. */
  public static Scheduler standard(Clock clock) {
    return new Scheduler(
        List.of(new ReadyFilter(), new ResourceFilter(), new ConstraintFilter(), new PlatformFilter(),
            new HostPortFilter(), new MaxReplicasFilter()),
        List.of(new ServiceSpreadRanker(), new LeastLoadedRanker()),
        clock);
  }

  /**
   * Places {@code pending} (tasks in state pending) on {@code nodes}, counting each placement
   * on its node so a later pass over the same set sees it.
   */
  public Decisions schedule(NodeSet nodes, List<Task> pending) {
    Map<TaskGroup, List<Task>> groups = new LinkedHashMap<>();
    List<Task> assigned = new ArrayList<>(pending.size());
    List<Task> left = new ArrayList<>();
    List<Task> preassigned = new ArrayList<>();
    Task previous = null;
    List<Task> previousGroup = null;
    for (Task t : pending) {
      if (t.status().state() != TaskState.PENDING) {
        throw new InvalidArgumentException("task " + t.id() + " is " + t.status().state().wire() + ", not pending");
      }
      if (t.desiredState().compareTo(TaskState.COMPLETE) > 0) {
        left.add(t);
        continue;
      }
      if (!t.nodeId().isEmpty()) {
        preassigned.add(t);
        continue;
      }
      // an orchestrator hands a service's tasks over together, sharing one spec: the group is
      // then found without hashing the whole spec again
      if (previous == null || previous.spec() != t.spec() || previous.endpoint() != t.endpoint()
          || !previous.serviceId().equals(t.serviceId())) {
        previousGroup = groups.computeIfAbsent(TaskGroup.of(t), g -> new ArrayList<>());
      }
      previousGroup.add(t);
      previous = t;
    }
    Instant now = clock.instant();
    confirmPreassigned(nodes, preassigned, now, assigned, left);
    for (var g : groups.entrySet()) {
      placeGroup(nodes, g.getKey(), g.getValue(), now, assigned, left);
    }
    return new Decisions(assigned, left);
  }

  private void placeGroup(NodeSet nodes, TaskGroup group, List<Task> tasks, Instant now, List<Task> assigned,
      List<Task> left) {
    List<NodeFilter.Check> checks;
    List<SpreadPreference> preferences;
    try {
      checks = prepare(group);
      preferences = group.placement().preferences().stream().map(SpreadPreference::of).toList();
    } catch (InvalidArgumentException e) {
      unplaced(tasks, 0, e.getMessage(), left);
      return;
    }
    List<NodeFilter.Check> fixed = new ArrayList<>();
    List<NodeFilter.Check> changing = new ArrayList<>();
    for (int i = 0; i < filters.size(); i++) {
      if (checks.get(i) != null) {
        (filters.get(i).changesWithPlacements() ? changing : fixed).add(checks.get(i));
      }
    }
    List<NodeInfo> feasible = new ArrayList<>();
    for (NodeInfo n : nodes.all()) {
      if (allAccept(fixed, n)) {
        feasible.add(n);
      }
    }
    SpreadTree tree = SpreadTree.build(feasible, preferences, group.serviceId(), order(group));
    var placer = new SpreadTree.Placer() {
      @Override
      public boolean fits(NodeInfo node) {
        return allAccept(changing, node);
      }

      @Override
      public void place(NodeInfo node) {
        node.add(group.serviceId(), group.reserved(), group.endpoint().ports());
      }
    };
    for (int i = 0; i < tasks.size(); i++) {
      NodeInfo n = tree.place(placer);
      if (n == null) {
        unplaced(tasks, i, Explanation.of(filters, checks, nodes.all()), left);
        return;
      }
      assigned.add(tasks.get(i).assignedTo(n.id(), now));
    }
  }

  /**
   * Tasks made for one node (a global service's, by its orchestrator) are checked against that
   * node only, before the others take nodes, as swarmkit does: confirmed there, or left pending
   * with the reason alone ("insufficient resources on 1 node"); a node not in the set leaves
   * the task as it was.
   */
  private void confirmPreassigned(NodeSet nodes, List<Task> tasks, Instant now, List<Task> assigned, List<Task> left) {
    Map<TaskGroup, List<NodeFilter.Check>> prepared = new java.util.HashMap<>();
    for (Task t : tasks) {
      NodeInfo n = nodes.get(t.nodeId());
      if (n == null) {
        left.add(t);
        continue;
      }
      TaskGroup group = TaskGroup.of(t);
      List<NodeFilter.Check> checks;
      try {
        checks = prepared.computeIfAbsent(group, this::prepare);
      } catch (InvalidArgumentException e) {
        unplaced(List.of(t), 0, e.getMessage(), left);
        continue;
      }
      String reasons = Explanation.reasons(filters, checks, List.of(n));
      if (reasons.isEmpty()) {
        n.add(group.serviceId(), group.reserved(), group.endpoint().ports());
        assigned.add(t.confirmedOnNode(now));
      } else {
        unplaced(List.of(t), 0, reasons, left);
      }
    }
  }

  private List<NodeFilter.Check> prepare(TaskGroup group) {
    List<NodeFilter.Check> checks = new ArrayList<>(filters.size());
    for (NodeFilter f : filters) {
      checks.add(f.prepare(group));
    }
    return checks;
  }

  private Comparator<NodeInfo> order(TaskGroup group) {
    Comparator<NodeInfo> order = null;
    for (NodeRanker r : rankers) {
      order = order == null ? r.order(group) : order.thenComparing(r.order(group));
    }
    Comparator<NodeInfo> byId = Comparator.comparingInt(NodeInfo::order);
    return order == null ? byId : order.thenComparing(byId);
  }

  private static boolean allAccept(List<NodeFilter.Check> checks, NodeInfo n) {
    for (int i = 0; i < checks.size(); i++) {
      if (!checks.get(i).accepts(n)) {
        return false;
      }
    }
    return true;
  }

  /** Tasks from {@code from} on stay pending with {@code why} as their error (rewritten only if it changed). */
  private static void unplaced(List<Task> tasks, int from, String why, List<Task> left) {
    for (Task t : tasks.subList(from, tasks.size())) {
      TaskStatus s = t.status();
      left.add(why.equals(s.err()) ? t : t.withStatus(new TaskStatus(s.timestamp(), s.state(), s.message(), why)));
    }
  }
}
