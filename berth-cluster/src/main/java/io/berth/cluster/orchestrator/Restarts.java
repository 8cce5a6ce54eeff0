package io.berth.cluster.orchestrator;

import io.berth.cluster.model.Node;
import io.berth.cluster.model.RestartCondition;
import io.berth.cluster.model.RestartPolicy;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Whether a slot (or a global service's node) that has no task meant to run gets a new one, and
 * when: the service's restart policy read against the slot's history in the store, so the answer
 * does not depend on what a previous leader remembered.
 *
 * <ul>
 *   <li>No task made from the service as it is now: a new slot, or the service changed since the
 *       slot stopped (swarmkit resets a slot's restart history on a new spec): now.
 *   <li>Condition none: never; on-failure: not after the task completed.
 *   <li>MaxAttempts: the slot's tasks of the current spec (within Window, if set) beyond the
 *       first are the restarts made; none once they reach the limit. (The reaper keeps that many.)
 *   <li>Delay: counted from the last write of the stopped task (its failure report, or the
 *       orchestrator shutting it down), or from its node's last heartbeat when the node is down
 *       ({@link NodeView#lastKnown}; swarmkit counts from the node being written down, so its
 *       grace and the delay add up); none on a drained node, as swarmkit. swarmkit makes the
 *       new task at once and holds it in "ready" for the delay; here it is made when the delay
 *       has passed, which needs no agent support and survives a change of leader.
 * </ul>
 */
final class Restarts {
  /** The answer: now, at {@link #at}, or never. */
  record Verdict(Kind kind, Instant at) {
    enum Kind { NOW, LATER, NEVER }

    static final Verdict NOW = new Verdict(Kind.NOW, null);
    static final Verdict NEVER = new Verdict(Kind.NEVER, null);
  }

  private Restarts() {}

  /**
   * @param history the slot's tasks, none of them wanted or removed
   * @param node the node the newest task ran on (null if none or gone)
   * @param freshUnlessFailed a global service's rule: a task the orchestrator stopped (its node
   *     went down, was drained, stopped matching) is replaced at once when the node is fit again;
   *     only a task that ended on its own goes through the policy
   */
  static Verdict decide(Service service, List<Task> history, Node node, Duration downSilence, Instant now,
      boolean freshUnlessFailed) {
    List<Task> current = history.stream().filter(t -> TaskFacts.current(t, service)).sorted(TaskFacts.BY_CREATION).toList();
    if (current.isEmpty()) {
      return Verdict.NOW;
    }
    Task last = current.getLast();
    Instant lastMade = last.createdAt() == null ? Instant.EPOCH : last.createdAt();
    if (history.stream().anyMatch(t -> !TaskFacts.current(t, service) && t.createdAt() != null
        && t.createdAt().isAfter(lastMade))) {
      // the slot last ran another spec (a rollback's failed new task): refilled at once, as
      // swarmkit's updater does, not a restart delay after an older task of this spec stopped
      return Verdict.NOW;
    }
    TaskState ended = last.status().state();
    boolean selfEnded = ended == TaskState.COMPLETE || ended == TaskState.FAILED || ended == TaskState.REJECTED;
    if (freshUnlessFailed && !selfEnded) {
      return Verdict.NOW;
    }
    RestartPolicy policy = last.spec().restartPolicy();
    if (policy.condition() == RestartCondition.NONE
        || (policy.condition() == RestartCondition.ON_FAILURE && ended == TaskState.COMPLETE)) {
      return Verdict.NEVER;
    }
    if (policy.maxAttempts() > 0 && restartsMade(current, policy, now) >= policy.maxAttempts()) {
      return Verdict.NEVER;
    }
    Duration delay = TaskFacts.drained(node) ? Duration.ZERO : Duration.ofNanos(policy.delayNanos());
    Instant stopped = NodeView.lastKnown(last.updatedAt() != null ? last.updatedAt() : now, node, downSilence);
    Instant due = stopped.plus(delay);
    return due.isAfter(now) ? new Verdict(Verdict.Kind.LATER, due) : Verdict.NOW;
  }

  /** Tasks of the current spec beyond the slot's first, counted within the window when one is set. */
  private static long restartsMade(List<Task> current, RestartPolicy policy, Instant now) {
    Task first = current.getFirst();
    Instant since = policy.windowNanos() > 0 ? now.minusNanos(policy.windowNanos()) : null;
    return current.stream()
        .filter(t -> t != first)
        .filter(t -> since == null || (t.createdAt() != null && t.createdAt().isAfter(since)))
        .count();
  }
}
