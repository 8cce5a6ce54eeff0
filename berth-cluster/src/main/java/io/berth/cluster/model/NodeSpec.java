package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** What the user sets on a node ({@code docker node update}): name, labels, role, availability. */
public record NodeSpec(
    @JsonProperty("Name") String name,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("Role") NodeRole role,
    @JsonProperty("Availability") NodeAvailability availability) {
  public NodeSpec {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    role = role == null ? NodeRole.WORKER : role;
    availability = availability == null ? NodeAvailability.ACTIVE : availability;
  }

  public NodeSpec withAvailability(NodeAvailability value) {
    return new NodeSpec(name, labels, role, value);
  }
}
