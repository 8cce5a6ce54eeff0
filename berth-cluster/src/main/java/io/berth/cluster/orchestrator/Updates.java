package io.berth.cluster.orchestrator;

import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.UpdateConfig;
import io.berth.cluster.model.UpdateStatus;
import io.berth.cluster.state.Plan;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Rolls a service's tasks onto its current spec after {@code service update} (or back onto the
 * previous one after a rollback) with the service's update settings, level-triggered: everything
 * is read from the tasks and the service's {@link UpdateStatus}, so a new leader carries on.
 *
 * <ul>
 *   <li>At most Parallelism tasks of the new spec are on their way (made, not yet running) at a
 *       time (0: all at once); a new one is made Delay after the last one started running.
 *   <li>Order stop-first shuts the old task down as its replacement is made; start-first makes
 *       the replacement beside it, and the old one stops once the new one runs ({@link SlotStates}).
 *   <li>A task of the new spec that fails while the update runs counts as a failure; above
 *       MaxFailureRatio of the tasks updated so far, FailureAction pauses the update, rolls the
 *       service back to its previous spec, or goes on.
 *   <li>Once every task runs the new spec, the update completes when the last one has run for
 *       Monitor.
 * </ul>
 */
final class Updates {
  private Updates() {}

  /** The settings in force: the rollback settings while rolling back. */
  static UpdateConfig config(Service s) {
    return s.updateStatus() != null && s.updateStatus().rollback() ? s.spec().rollback() : s.spec().update();
  }

  /**
   * @param runnable the service's tasks meant to run after this pass's retirements, one per slot
   *     or node (in a start-first slot, the new task)
   * @param all every task of the service, for the failures of the update
   */
  static void roll(Service service, List<Task> runnable, List<Task> all, Instant now, Plan plan) {
    UpdateStatus status = service.updateStatus();
    if (status != null && (UpdateStatus.PAUSED.equals(status.state()) || UpdateStatus.ROLLBACK_PAUSED.equals(status.state()))) {
      return; // until the user updates or rolls back the service
    }
    UpdateConfig cfg = config(service);
    boolean running = status != null && status.running();
    if (running && status.startedAt() != null && failed(service, status, cfg, all, runnable.size(), now, plan)) {
      return;
    }
    List<Task> outdated = runnable.stream().filter(t -> !TaskFacts.current(t, service))
        .sorted(Comparator.comparingLong(Task::slot).thenComparing(Task::nodeId)).toList();
    List<Task> fresh = runnable.stream().filter(t -> TaskFacts.current(t, service)).toList();
    Instant lastStart = fresh.stream().filter(t -> t.status().state() == TaskState.RUNNING)
        .map(t -> t.status().timestamp()).filter(t -> t != null).max(Comparator.naturalOrder()).orElse(null);
    if (outdated.isEmpty()) {
      if (running && fresh.stream().allMatch(t -> t.status().state() == TaskState.RUNNING)) {
        complete(service, status, cfg, lastStart, now, plan);
      }
      return;
    }
    long onTheWay = fresh.stream().filter(t -> t.status().state() != TaskState.RUNNING).count();
    long room = (cfg.parallelism() == 0 ? Long.MAX_VALUE : cfg.parallelism()) - onTheWay;
    if (room <= 0) {
      return;
    }
    if (cfg.delayNanos() > 0 && lastStart != null && running && lastStart.isAfter(status.startedAt())) {
      Instant next = lastStart.plusNanos(cfg.delayNanos());
      if (next.isAfter(now)) {
        plan.wakeAt(next);
        return;
      }
    }
    boolean global = service.spec().mode().global() != null;
    for (Task old : outdated.subList(0, (int) Math.min(room, outdated.size()))) {
      if (!cfg.startFirst()) {
        plan.update(TaskMaker.desire(plan.latest(old), TaskState.SHUTDOWN, now));
      }
      plan.create(TaskMaker.make(service, old.slot(), global ? old.nodeId() : "", TaskState.RUNNING, now));
    }
  }

  /**
   * Applies the failure action when too many tasks of the new spec failed since the update
   * began; true when the update stops here (paused, or rolled back).
   */
  private static boolean failed(Service service, UpdateStatus status, UpdateConfig cfg, List<Task> all, int slots,
      Instant now, Plan plan) {
    List<Task> made = all.stream().filter(t -> TaskFacts.current(t, service))
        .filter(t -> t.createdAt() != null && !t.createdAt().isBefore(status.startedAt())).toList();
    List<Task> failures = made.stream().filter(t -> t.status().state() == TaskState.FAILED
        || t.status().state() == TaskState.REJECTED).toList();
    if (failures.isEmpty() || failures.size() <= cfg.maxFailureRatio() * Math.max(slots, 1)) {
      return false;
    }
    String task = failures.getFirst().id();
    Service latest = plan.latest(service);
    switch (cfg.failureAction()) {
      case UpdateConfig.CONTINUE -> {
        return false;
      }
      case UpdateConfig.ROLLBACK -> {
        if (!status.rollback() && service.previousSpec() != null) {
          plan.update(new Service(latest.id(), latest.version(), latest.createdAt(), now, latest.previousSpec(),
              latest.endpoint(), new UpdateStatus(UpdateStatus.ROLLBACK_STARTED, now, null,
                  "update rolled back due to failure or early termination of task " + task), latest.spec()));
          return true;
        }
        pause(latest, status, task, now, plan); // a failing rollback pauses, as swarmkit's
        return true;
      }
      default -> {
        pause(latest, status, task, now, plan);
        return true;
      }
    }
  }

  private static void pause(Service latest, UpdateStatus status, String task, Instant now, Plan plan) {
    boolean back = status.rollback();
    plan.update(latest.withUpdateStatus(new UpdateStatus(back ? UpdateStatus.ROLLBACK_PAUSED : UpdateStatus.PAUSED,
        status.startedAt(), null, (back ? "rollback" : "update") + " paused due to failure or early termination of task "
            + task)));
  }

  /**
   * Every task runs the new spec: done once the last one has run for Monitor, and Monitor after
   * the update began (a rollback whose old tasks still run has nothing to start, yet is watched
   * as swarmkit watches it, so clients see it under way).
   */
  private static void complete(Service service, UpdateStatus status, UpdateConfig cfg, Instant lastStart, Instant now,
      Plan plan) {
    Instant from = lastStart == null || (status.startedAt() != null && status.startedAt().isAfter(lastStart))
        ? status.startedAt() : lastStart;
    Instant settled = from == null ? now : from.plusNanos(cfg.monitorNanos());
    if (settled.isAfter(now)) {
      plan.wakeAt(settled);
      return;
    }
    boolean back = status.rollback();
    plan.update(plan.latest(service).withUpdateStatus(new UpdateStatus(
        back ? UpdateStatus.ROLLBACK_COMPLETED : UpdateStatus.COMPLETED, status.startedAt(), now,
        back ? "rollback completed" : "update completed")));
  }
}
