package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Where a service's rolling update stands (Docker's UpdateStatus): written when a user changes
 * the tasks' spec (or asks for a rollback) and by the orchestrator as the update goes on.
 *
 * @param state updating, paused, completed, rollback_started, rollback_paused or rollback_completed
 */
public record UpdateStatus(
    @JsonProperty("State") String state,
    @JsonProperty("StartedAt") @WireTime Instant startedAt,
    @JsonProperty("CompletedAt") @WireTime Instant completedAt,
    @JsonProperty("Message") String message) {
  public static final String UPDATING = "updating";
  public static final String PAUSED = "paused";
  public static final String COMPLETED = "completed";
  public static final String ROLLBACK_STARTED = "rollback_started";
  public static final String ROLLBACK_PAUSED = "rollback_paused";
  public static final String ROLLBACK_COMPLETED = "rollback_completed";

  /** An update or rollback in progress (not paused, not done). */
  public boolean running() {
    return UPDATING.equals(state) || ROLLBACK_STARTED.equals(state);
  }

  public boolean rollback() {
    return state != null && state.startsWith("rollback");
  }
}
