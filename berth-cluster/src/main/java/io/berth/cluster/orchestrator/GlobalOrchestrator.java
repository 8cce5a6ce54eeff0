package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.scheduler.Constraint;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task per eligible node for each global service and global job, as swarmkit's global
 * orchestrator: a node is eligible while it is not down, its availability is active and it
 * satisfies the service's constraints (the scheduler's {@link Constraint}). A paused node keeps
 * its task but gets no new one; a drained or down node, or one that stopped matching, has its
 * task shut down; a removed node's tasks are removed. The task names its node; the scheduler
 * confirms it there (readiness, resources, ports) or leaves it pending with the reason. A task
 * that ends on its own is replaced on the same node per the restart policy; a job's node is done
 * once a task of the job's current spec completed there.
 */
final class GlobalOrchestrator {
  private static final Logger LOG = LoggerFactory.getLogger(GlobalOrchestrator.class);

  private GlobalOrchestrator() {}

  static void pass(List<Service> services, Map<String, List<Task>> tasksByService, NodeView nodes,
      Instant now, Plan plan) {
    for (Service s : services) {
      ServiceMode.Kind kind = s.spec().mode().kind();
      if ((kind == ServiceMode.Kind.GLOBAL || kind == ServiceMode.Kind.GLOBAL_JOB) && !plan.full()) {
        List<Constraint> constraints;
        try {
          constraints = Constraint.parseAll(s.spec().taskTemplate().placement().constraints());
        } catch (InvalidArgumentException e) {
          LOG.warn("global service {} ({}) is not orchestrated: {}", s.spec().name(), s.id(), e.getMessage());
          continue;
        }
        reconcile(s, kind == ServiceMode.Kind.GLOBAL_JOB, constraints,
            tasksByService.getOrDefault(s.id(), List.of()), nodes, now, plan);
      }
    }
  }

  static void reconcile(Service service, boolean job, List<Constraint> constraints, List<Task> tasks,
      NodeView nodes, Instant now, Plan plan) {
    Map<String, List<Task>> byNode = new HashMap<>();
    for (Task t : tasks) {
      if (TaskFacts.removed(t)) {
        continue;
      }
      if (job && !TaskFacts.current(t, service) && TaskFacts.wanted(t) && !TaskFacts.ended(t)) {
        plan.update(TaskMaker.desire(t, TaskState.REMOVE, now)); // a job's earlier run is over
        continue;
      }
      byNode.computeIfAbsent(t.nodeId(), k -> new ArrayList<>()).add(t);
    }
    for (var e : byNode.entrySet()) {
      if (!nodes.contains(e.getKey())) {
        e.getValue().forEach(t -> plan.update(TaskMaker.desire(plan.latest(t), TaskState.REMOVE, now)));
      }
    }
    int createdBefore = plan.creates().size();
    List<Task> runnable = new ArrayList<>();
    for (Node node : nodes.all()) {
      if (plan.full()) {
        return;
      }
      Task kept = reconcileNode(service, job, constraints, node, byNode.getOrDefault(node.id(), List.of()),
          nodes.downSilence(), now, plan);
      if (kept != null) {
        runnable.add(kept);
      }
    }
    if (!job && plan.creates().size() == createdBefore) {
      Updates.roll(service, runnable, tasks, now, plan);
    }
  }

  /** The node's task meant to run after this pass, or null. */
  private static Task reconcileNode(Service service, boolean job, List<Constraint> constraints, Node node,
      List<Task> tasks, Duration downSilence, Instant now, Plan plan) {
    boolean fits = !TaskFacts.unfit(node) && Constraint.allMatch(constraints, node);
    List<Task> wanted = tasks.stream()
        .filter(t -> TaskFacts.wanted(t) && !(job && t.status().state() == TaskState.COMPLETE)).toList();
    Task keep = fits ? TaskFacts.keeper(wanted) : null;
    for (Task t : wanted) {
      if (t != keep || TaskFacts.ended(t)) {
        plan.update(TaskMaker.desire(plan.latest(t), TaskState.SHUTDOWN, now));
      }
    }
    if (keep != null && !TaskFacts.ended(keep)) {
      return keep;
    }
    if (!fits || node.spec().availability() == NodeAvailability.PAUSE) {
      return null;
    }
    if (job && tasks.stream().anyMatch(t -> TaskFacts.current(t, service) && t.status().state() == TaskState.COMPLETE)) {
      return null;
    }
    List<Task> history = tasks.stream().map(plan::latest).toList();
    Restarts.Verdict v = Restarts.decide(service, history, node, downSilence, now, true);
    switch (v.kind()) {
      case NOW -> plan.create(TaskMaker.make(service, 0, node.id(), job ? TaskState.COMPLETE : TaskState.RUNNING, now));
      case LATER -> plan.wakeAt(v.at());
      case NEVER -> { }
    }
    return null;
  }
}
