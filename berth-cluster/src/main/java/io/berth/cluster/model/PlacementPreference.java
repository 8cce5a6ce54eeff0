package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;

/**
 * A placement preference ({@code --placement-pref spread=node.labels.zone}): tasks are spread
 * evenly over the values of the descriptor, nodes without it forming one more group.
 */
public record PlacementPreference(@JsonProperty("Spread") Spread spread) {
  /** The label whose values tasks spread over. */
  public record Spread(@JsonProperty("SpreadDescriptor") String spreadDescriptor) {
    public Spread {
      if (spreadDescriptor == null || spreadDescriptor.isBlank()) {
        throw new InvalidArgumentException("a spread placement preference needs a SpreadDescriptor");
      }
    }
  }

  public PlacementPreference {
    if (spread == null) {
      throw new InvalidArgumentException("a placement preference needs Spread (the only kind Docker has)");
    }
  }

  public static PlacementPreference spread(String descriptor) {
    return new PlacementPreference(new Spread(descriptor));
  }

  @JsonIgnore
  public String descriptor() {
    return spread.spreadDescriptor();
  }
}
