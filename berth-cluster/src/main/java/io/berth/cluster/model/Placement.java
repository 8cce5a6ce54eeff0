package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Where a service's tasks may go and how they spread: constraints (checked by the scheduler's
 * constraint filter), spread preferences, at most {@code maxReplicas} per node (0: no limit),
 * and the platforms its image supports (empty: any).
 */
public record Placement(
    @JsonProperty("Constraints") List<String> constraints,
    @JsonProperty("Preferences") List<PlacementPreference> preferences,
    @JsonProperty("MaxReplicas") long maxReplicas,
    @JsonProperty("Platforms") List<Platform> platforms) {
  public static final Placement NONE = new Placement(null, null, 0, null);

  public Placement {
    constraints = constraints == null ? List.of() : List.copyOf(constraints);
    preferences = preferences == null ? List.of() : List.copyOf(preferences);
    platforms = platforms == null ? List.of() : List.copyOf(platforms);
    if (maxReplicas < 0) {
      throw new io.berth.errdefs.InvalidArgumentException("MaxReplicas must not be negative: " + maxReplicas);
    }
  }
}
