package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A task's observed state, written by the node's agent (and by the scheduler while the task is
 * pending or being assigned): state, a message, the error that explains a failure or why the
 * task is still pending, and when it was last written.
 */
public record TaskStatus(
    @JsonProperty("Timestamp") @WireTime Instant timestamp,
    @JsonProperty("State") TaskState state,
    @JsonProperty("Message") String message,
    @JsonProperty("Err") String err) {
  public TaskStatus {
    state = state == null ? TaskState.NEW : state;
    message = message == null ? "" : message;
  }

  /** The status after a move to {@code next} (checked against the table), at {@code at}. */
  public TaskStatus moveTo(TaskState next, String newMessage, String newErr, Instant at) {
    return new TaskStatus(at, state.moveTo(next), newMessage, newErr);
  }
}
