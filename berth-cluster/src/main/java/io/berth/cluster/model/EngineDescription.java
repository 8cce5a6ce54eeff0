package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** The engine a node runs, as its agent reports it: version and the daemon's labels ({@code engine.labels.*}). */
public record EngineDescription(
    @JsonProperty("EngineVersion") String engineVersion,
    @JsonProperty("Labels") Map<String, String> labels) {
  public EngineDescription {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
