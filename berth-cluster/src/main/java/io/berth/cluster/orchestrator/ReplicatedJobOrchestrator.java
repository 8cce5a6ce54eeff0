package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a replicated job to {@code TotalCompletions} completed tasks, at most {@code
 * MaxConcurrent} at a time, as swarmkit's job reconciler: each task has its own slot (0, 1, ...),
 * so a finished job has one completed task per slot; a failed task is replaced in its slot per
 * the restart policy and counts against the concurrency meanwhile; a slot the policy gave up on
 * is not refilled (the job does not complete). Job tasks are desired "complete". A job's run is
 * its spec: after {@code service update} the tasks of the earlier spec still running are
 * removed and the job runs again (swarmkit's JobIteration).
 */
final class ReplicatedJobOrchestrator {
  private ReplicatedJobOrchestrator() {}

  static void pass(List<Service> services, Map<String, List<Task>> tasksByService, NodeView nodes,
      Instant now, Plan plan) {
    for (Service s : services) {
      if (s.spec().mode().kind() == ServiceMode.Kind.REPLICATED_JOB && !plan.full()) {
        reconcile(s, tasksByService.getOrDefault(s.id(), List.of()), nodes, now, plan);
      }
    }
  }

  static void reconcile(Service service, List<Task> tasks, NodeView nodes, Instant now, Plan plan) {
    Map<Long, List<Task>> bySlot = new TreeMap<>();
    for (Task t : tasks) {
      if (TaskFacts.removed(t)) {
        continue;
      }
      if (!TaskFacts.current(t, service)) {
        if (TaskFacts.wanted(t) && !TaskFacts.ended(t)) {
          plan.update(TaskMaker.desire(t, TaskState.REMOVE, now));
        }
        continue;
      }
      bySlot.computeIfAbsent(t.slot(), k -> new ArrayList<>()).add(t);
    }
    long complete = 0;
    long active = 0;
    long dead = 0;
    for (var e : bySlot.entrySet()) {
      if (e.getValue().stream().anyMatch(t -> t.status().state() == TaskState.COMPLETE)) {
        complete++;
        continue;
      }
      SlotStates s = SlotStates.of(service, e.getKey(), e.getValue(), nodes, now, plan);
      if (s.runnable() != null) {
        active++;
        continue;
      }
      switch (s.verdict().kind()) {
        case NOW -> {
          plan.create(TaskMaker.make(service, s.slot(), "", TaskState.COMPLETE, now));
          active++;
        }
        case LATER -> {
          plan.wakeAt(s.verdict().at());
          active++;
        }
        case NEVER -> dead++;
      }
    }
    ServiceMode.ReplicatedJob mode = service.spec().mode().replicatedJob();
    // the Engine API's default for an unset MaxConcurrent is 1
    long maxConcurrent = mode.maxConcurrent() == 0 ? 1 : mode.maxConcurrent();
    long toMake = Math.min(maxConcurrent - active, mode.totalCompletions() - complete - active - dead);
    for (long slot = 0; toMake > 0 && !plan.full(); slot++) {
      if (!bySlot.containsKey(slot)) {
        plan.create(TaskMaker.make(service, slot, "", TaskState.COMPLETE, now));
        toMake--;
      }
    }
  }
}
