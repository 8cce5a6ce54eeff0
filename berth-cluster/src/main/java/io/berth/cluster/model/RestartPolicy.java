package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;

/**
 * When and how often a service's tasks are replaced after they stop. Delay and window are in
 * nanoseconds as on Docker's wire; zero attempts means no limit.
 */
public record RestartPolicy(
    @JsonProperty("Condition") RestartCondition condition,
    @JsonProperty("Delay") long delayNanos,
    @JsonProperty("MaxAttempts") long maxAttempts,
    @JsonProperty("Window") long windowNanos) {
  /** Docker's default: restart on any exit after 5 s, without limit. */
  public static final RestartPolicy DEFAULT = new RestartPolicy(RestartCondition.ANY, 5_000_000_000L, 0, 0);

  public RestartPolicy {
    condition = condition == null ? RestartCondition.ANY : condition;
    if (delayNanos < 0 || maxAttempts < 0 || windowNanos < 0) {
      throw new InvalidArgumentException("restart policy: delay, max attempts and window must not be negative");
    }
  }
}
