package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A task's resources: reservations are what the scheduler sets aside on the chosen node (a node
 * without them free is not feasible); limits are what the container may use at most.
 */
public record ResourceRequirements(
    @JsonProperty("Limits") Resources limits,
    @JsonProperty("Reservations") Resources reservations) {
  public static final ResourceRequirements NONE = new ResourceRequirements(null, null);

  /** The reservations, {@link Resources#NONE} when none were given. */
  public Resources reserved() {
    return reservations == null ? Resources.NONE : reservations;
  }
}
