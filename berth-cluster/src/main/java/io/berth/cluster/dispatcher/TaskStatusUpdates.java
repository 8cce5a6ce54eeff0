package io.berth.cluster.dispatcher;

import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node's reports of its tasks' status, written as the agent's one field: only tasks placed on
 * the calling node, only moves the task state table allows. A report is taken whole or refused
 * whole, naming the task at fault. A task no longer in the store (its service was removed) is
 * skipped: the node will learn it is gone from its next assignment set. Writes race the
 * orchestrators' (desired state), so a conflict reads the tasks again, a bounded number of times.
 */
final class TaskStatusUpdates {
  static final int ATTEMPTS = 5;
  static final int MAX_UPDATES = 10_000;
  private final ClusterState state;

  TaskStatusUpdates(ClusterState state) {
    this.state = state;
  }

  void apply(String nodeId, Map<String, TaskStatus> updates) {
    if (updates.size() > MAX_UPDATES) {
      throw new InvalidArgumentException("a status report may carry at most " + MAX_UPDATES + " tasks, got "
          + updates.size());
    }
    for (int attempt = 1; ; attempt++) {
      ClusterState.Batch batch = state.batch();
      for (Task t : read(nodeId, updates)) {
        batch.update(t);
      }
      try {
        batch.apply();
        return;
      } catch (ConflictException e) {
        if (attempt >= ATTEMPTS) {
          throw new ConflictException("task status report of node " + nodeId + " not written after " + ATTEMPTS
              + " conflicting writes: " + e.getMessage(), e);
        }
      }
    }
  }

  /** The tasks with their new status, each checked; a refusal names the task and why. */
  private List<Task> read(String nodeId, Map<String, TaskStatus> updates) {
    List<Task> next = new ArrayList<>();
    for (Map.Entry<String, TaskStatus> u : updates.entrySet()) {
      if (u.getValue() == null) {
        throw new InvalidArgumentException("task " + u.getKey() + ": the status report has no status");
      }
      Optional<Task> found = state.task(u.getKey());
      if (found.isEmpty()) {
        continue;
      }
      Task t = found.get();
      if (!t.nodeId().equals(nodeId)) {
        throw new ForbiddenException("node " + nodeId + " may not report the status of task " + t.id()
            + ", which is not assigned to it");
      }
      TaskStatus reported = u.getValue();
      if (!t.status().state().canMoveTo(reported.state())) {
        throw new ConflictException("task " + t.id() + ": state cannot move from " + t.status().state().wire()
            + " to " + reported.state().wire());
      }
      if (!reported.equals(t.status())) {
        next.add(t.withStatus(reported));
      }
    }
    return next;
  }
}
