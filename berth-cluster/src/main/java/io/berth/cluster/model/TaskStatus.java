package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A task's observed state, written by the node's agent (and by the scheduler while the task is
 * pending or being assigned): state, a message, the error that explains a failure or why the
 * task is still pending, when it was last written, and (once the agent made one) the task's
 * container as Docker shows it in {@code docker inspect} of a task.
 */
public record TaskStatus(
    @JsonProperty("Timestamp") @WireTime Instant timestamp,
    @JsonProperty("State") TaskState state,
    @JsonProperty("Message") String message,
    @JsonProperty("Err") String err,
    @JsonProperty("ContainerStatus") ContainerStatus containerStatus) {
  /**
   * The task's container on its node (Docker's ContainerStatus): its id, the pid of its process
   * while it runs (0 otherwise) and its exit code once it exited.
   */
  public record ContainerStatus(
      @JsonProperty("ContainerID") String containerId,
      @JsonProperty("PID") int pid,
      @JsonProperty("ExitCode") int exitCode) {}

  public TaskStatus {
    state = state == null ? TaskState.NEW : state;
    message = message == null ? "" : message;
  }

  /** A status without a container (the scheduler's and orchestrators' statuses). */
  public TaskStatus(Instant timestamp, TaskState state, String message, String err) {
    this(timestamp, state, message, err, null);
  }

  /** The status after a move to {@code next} (checked against the table), at {@code at}; the container stays. */
  public TaskStatus moveTo(TaskState next, String newMessage, String newErr, Instant at) {
    return new TaskStatus(at, state.moveTo(next), newMessage, newErr, containerStatus);
  }

  public TaskStatus withContainerStatus(ContainerStatus value) {
    return new TaskStatus(timestamp, state, message, err, value);
  }
}
