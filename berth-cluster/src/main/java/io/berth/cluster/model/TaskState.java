package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonValue;
import io.berth.errdefs.ConflictException;

/**
 * A task's state, Docker's states in swarmkit's order. A task only moves forward: the table
 * ({@link #canMoveTo}) is swarmkit's rule (a later state only, any number of steps skipped, as
 * when a pending task is rejected or an assigned one fails) narrowed by one line: a finished task
 * (complete, shutdown, failed, rejected) never turns into another finished state, only into
 * remove or orphaned. Both the status the agent reports and the desired state orchestrators set
 * use these states.
 */
public enum TaskState implements WireName {
  NEW("new"),
  ALLOCATED("allocated"),
  PENDING("pending"),
  ASSIGNED("assigned"),
  ACCEPTED("accepted"),
  PREPARING("preparing"),
  READY("ready"),
  STARTING("starting"),
  RUNNING("running"),
  COMPLETE("complete"),
  SHUTDOWN("shutdown"),
  FAILED("failed"),
  REJECTED("rejected"),
  REMOVE("remove"),
  ORPHANED("orphaned");

  private final String wire;

  TaskState(String wire) {
    this.wire = wire;
  }

  @Override
  @JsonValue
  public String wire() {
    return wire;
  }

  public static TaskState parse(String text) {
    return WireName.parse(TaskState.class, text, "task state");
  }

  /** Complete, shutdown, failed or rejected: the task's container will not run again. */
  public boolean isFinished() {
    return this == COMPLETE || this == SHUTDOWN || this == FAILED || this == REJECTED;
  }

  /** Past running: finished, removed or orphaned. */
  public boolean isTerminal() {
    return compareTo(RUNNING) > 0;
  }

  /** True if a task in this state may move to {@code next}; staying put is allowed (a new message). */
  public boolean canMoveTo(TaskState next) {
    if (next == this) {
      return true;
    }
    if (next.compareTo(this) < 0) {
      return false;
    }
    return !isFinished() || !next.isFinished();
  }

  /** {@code next} if the table allows it; otherwise a conflict naming both states. */
  public TaskState moveTo(TaskState next) {
    if (!canMoveTo(next)) {
      throw new ConflictException("task state cannot move from " + wire + " to " + next.wire);
    }
    return next;
  }
}
