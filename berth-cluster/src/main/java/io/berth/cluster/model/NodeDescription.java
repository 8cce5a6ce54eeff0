package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a node's agent reports about its machine: hostname, platform, total resources, engine. */
public record NodeDescription(
    @JsonProperty("Hostname") String hostname,
    @JsonProperty("Platform") Platform platform,
    @JsonProperty("Resources") Resources resources,
    @JsonProperty("Engine") EngineDescription engine) {
  public NodeDescription {
    hostname = hostname == null ? "" : hostname;
    platform = platform == null ? new Platform("", "") : platform;
    resources = resources == null ? Resources.NONE : resources;
    engine = engine == null ? new EngineDescription("", null) : engine;
  }
}
