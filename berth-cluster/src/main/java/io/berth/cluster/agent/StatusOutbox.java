package io.berth.cluster.agent;

import io.berth.cluster.model.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statuses the agent's loop wrote and has not sent yet, sent as one report per flush: each
 * report is a round trip to the leader and a Raft commit, so a node starting fifty tasks must not
 * pay fifty of them per state (swarmkit's agent batches its status updates too). Every status
 * written is still sent, in order: a second status of a task already waiting sends the waiting
 * ones first. A report the manager refuses is sent again task by task, so one task it refuses
 * does not hold back the others; a task whose report failed stays {@link TaskRun#unreported} and
 * the loop hands it over again at its next tick. Only the agent's loop thread uses it.
 */
final class StatusOutbox {
  private static final Logger LOG = LoggerFactory.getLogger(StatusOutbox.class);
  private final StatusReporter reporter;
  private final Map<String, TaskStatus> statuses = new LinkedHashMap<>();
  private final Map<String, TaskRun> runs = new LinkedHashMap<>();

  StatusOutbox(StatusReporter reporter) {
    this.reporter = reporter;
  }

  /** Queues the run's current status (sending what waits first if the run already has one waiting). */
  void add(TaskRun run) {
    TaskStatus waiting = statuses.get(run.taskId);
    if (waiting != null && waiting.equals(run.status)) {
      return;
    }
    if (waiting != null) {
      flush();
    }
    statuses.put(run.taskId, run.status);
    runs.put(run.taskId, run);
    run.unreported = true;
  }

  /** Whether the run's current status waits here. */
  boolean holds(TaskRun run) {
    TaskStatus waiting = statuses.get(run.taskId);
    return waiting != null && waiting.equals(run.status);
  }

  /** Sends what waits, as one report (task by task if the manager refuses it). */
  void flush() {
    if (statuses.isEmpty()) {
      return;
    }
    Map<String, TaskStatus> batch = new LinkedHashMap<>(statuses);
    List<TaskRun> sent = new ArrayList<>(runs.values());
    statuses.clear();
    runs.clear();
    try {
      reporter.report(batch);
      sent.forEach(r -> r.unreported = false);
      return;
    } catch (RuntimeException e) {
      if (batch.size() == 1) {
        failed(sent.getFirst(), e);
        return;
      }
      LOG.debug("a status report of {} tasks was refused, sending them one by one: {}", batch.size(), e.toString());
    }
    for (TaskRun r : sent) {
      try {
        reporter.report(Map.of(r.taskId, batch.get(r.taskId)));
        r.unreported = false;
      } catch (RuntimeException e) {
        failed(r, e);
      }
    }
  }

  private static void failed(TaskRun run, RuntimeException e) {
    LOG.warn("reporting the status of task {}: {} (sent again at the next tick)", run.taskId, e.toString());
    run.unreported = true;
  }
}
