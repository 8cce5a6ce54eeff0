package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps {@code Replicas} slots of each replicated service: a slot that lost its task gets a new
 * one per the restart policy ({@link Restarts}); scaling up fills the lowest free slot numbers;
 * scaling down removes the emptiest slots first (no task meant to run, then not yet running),
 * then those on the nodes holding most of the service, then the highest numbers, and their
 * tasks are desired "remove" so the reaper deletes them once stopped (swarmkit's behaviour: a
 * scaled-away slot leaves no history). Tasks made from an older spec are replaced per the
 * service's update settings ({@link Updates}).
 */
final class ReplicatedOrchestrator {
  private ReplicatedOrchestrator() {}

  static void pass(List<Service> services, Map<String, List<Task>> tasksByService, NodeView nodes,
      Instant now, Plan plan) {
    for (Service s : services) {
      if (s.spec().mode().kind() == ServiceMode.Kind.REPLICATED && !plan.full()) {
        reconcile(s, tasksByService.getOrDefault(s.id(), List.of()), nodes, now, plan);
      }
    }
  }

  static void reconcile(Service service, List<Task> tasks, NodeView nodes, Instant now, Plan plan) {
    int createdBefore = plan.creates().size();
    Map<Long, List<Task>> bySlot = new TreeMap<>();
    for (Task t : tasks) {
      if (!TaskFacts.removed(t)) {
        bySlot.computeIfAbsent(t.slot(), k -> new ArrayList<>()).add(t);
      }
    }
    List<SlotStates> slots = new ArrayList<>();
    bySlot.forEach((slot, ts) -> slots.add(SlotStates.of(service, slot, ts, nodes, now, plan)));

    long replicas = service.spec().mode().replicated().replicas();
    if (slots.size() > replicas) {
      List<SlotStates> order = removalOrder(slots);
      for (SlotStates gone : order.subList(0, (int) (slots.size() - replicas))) {
        if (plan.full()) {
          return; // the next pass removes the rest before it restarts or adds anything
        }
        for (Task t : gone.tasks()) {
          Task latest = plan.latest(t);
          if (!TaskFacts.removed(latest)) {
            plan.update(TaskMaker.desire(latest, TaskState.REMOVE, now));
          }
        }
        slots.remove(gone);
      }
    }
    for (SlotStates s : slots) {
      if (s.runnable() != null) {
        continue;
      }
      switch (s.verdict().kind()) {
        case NOW -> plan.create(TaskMaker.make(service, s.slot(), "", TaskState.RUNNING, now));
        case LATER -> plan.wakeAt(s.verdict().at());
        case NEVER -> { }
      }
    }
    long missing = replicas - slots.size();
    for (long slot = 1; missing > 0 && !plan.full(); slot++) {
      if (!bySlot.containsKey(slot)) {
        plan.create(TaskMaker.make(service, slot, "", TaskState.RUNNING, now));
        missing--;
      }
    }
    if (plan.creates().size() > createdBefore) {
      return; // new tasks of the current spec are on their way: they are the update's one at a time
    }
    Updates.roll(service, slots.stream().map(SlotStates::runnable).filter(t -> t != null).toList(), tasks, now, plan);
  }

  /** Slots to remove first come first: the emptiest, then on the busiest node, then the highest number. */
  private static List<SlotStates> removalOrder(List<SlotStates> slots) {
    Map<String, Integer> perNode = new HashMap<>();
    for (SlotStates s : slots) {
      if (s.runnable() != null && !s.runnable().nodeId().isEmpty()) {
        perNode.merge(s.runnable().nodeId(), 1, Integer::sum);
      }
    }
    Comparator<SlotStates> order = Comparator.comparingInt(SlotStates::rank)
        .thenComparing(s -> s.runnable() == null ? 0 : -perNode.getOrDefault(s.runnable().nodeId(), 0))
        .thenComparing(s -> -s.slot());
    return slots.stream().sorted(order).toList();
  }
}
