package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.state.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Deletes tasks nobody needs, as swarmkit's task reaper:
 *
 * <ul>
 *   <li>a task desired "remove" (its slot was scaled away or its service removed) once it stopped:
 *       never placed, finished, or on a node that is down or gone (its agent will not report);
 *   <li>history beyond {@code TaskHistoryRetentionLimit} tasks per slot (per node for a global
 *       service or job), oldest status first, never a task still meant to run and not finished.
 *       A slot whose restart policy counts attempts keeps {@code MaxAttempts + 1} tasks at least,
 *       since that count is read from the stored history (see {@link Restarts});
 *   <li>a plain container's network attachment (no service) whose node is gone: orphaned when
 *       the node was removed, or its node no longer in the store. No agent will detach it, and
 *       it holds an address until deleted (swarmkit reaps serviceless orphaned tasks at once).
 * </ul>
 */
public final class TaskReaper {
  private static final Comparator<Task> BY_STATUS_TIME = Comparator
      .comparing((Task t) -> t.status().timestamp() == null ? Instant.EPOCH : t.status().timestamp())
      .thenComparing(TaskFacts.BY_CREATION);

  private TaskReaper() {}

  public static Plan pass(Snapshot snap) {
    Plan plan = new Plan();
    long limit = snap.cluster().map(c -> c.spec()).orElse(SwarmSpec.defaults()).orchestration().taskHistoryRetentionLimit();
    Map<String, Node> nodes = Orchestration.byId(snap.nodes());
    Map<String, Service> services = new HashMap<>();
    snap.services().forEach(s -> services.put(s.id(), s));
    Map<String, List<Task>> groups = new HashMap<>();
    for (Task t : snap.tasks()) {
      if (plan.full()) {
        return plan;
      }
      if (t.isAttachment()) {
        if (t.status().state() == TaskState.ORPHANED || !nodes.containsKey(t.nodeId())) {
          plan.delete(t);
        }
        continue;
      }
      if (TaskFacts.removed(t)) {
        if (stopped(t, nodes.get(t.nodeId()))) {
          plan.delete(t);
        }
        continue;
      }
      Service s = services.get(t.serviceId());
      if (s != null) {
        groups.computeIfAbsent(t.serviceId() + "/" + key(s, t), k -> new ArrayList<>()).add(t);
      }
    }
    for (List<Task> group : groups.values()) {
      if (plan.full()) {
        return plan;
      }
      Service s = services.get(group.getFirst().serviceId());
      long maxAttempts = s.spec().taskTemplate().restartPolicy().maxAttempts();
      long keep = maxAttempts > 0 ? Math.max(limit, maxAttempts + 1) : limit;
      trim(group, keep, plan);
    }
    return plan;
  }

  /** Slot for replicated services and jobs, node for global ones. */
  private static String key(Service s, Task t) {
    ServiceMode.Kind kind = s.spec().mode().kind();
    return kind == ServiceMode.Kind.GLOBAL || kind == ServiceMode.Kind.GLOBAL_JOB ? "node:" + t.nodeId() : "slot:" + t.slot();
  }

  private static boolean stopped(Task t, Node node) {
    TaskState state = t.status().state();
    return state.compareTo(TaskState.ASSIGNED) < 0 || state.isTerminal()
        || node == null || node.status().state() == NodeState.DOWN;
  }

  private static void trim(List<Task> group, long keep, Plan plan) {
    if (group.size() <= keep) {
      return;
    }
    long excess = group.size() - keep;
    for (Task t : group.stream().sorted(BY_STATUS_TIME).toList()) {
      if (excess == 0) {
        return;
      }
      if (TaskFacts.wanted(t) && !TaskFacts.ended(t)) {
        continue;
      }
      plan.delete(t);
      excess--;
    }
  }
}
