package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A node's state as the dispatcher last saw it, with the address it connects from. */
public record NodeStatus(
    @JsonProperty("State") NodeState state,
    @JsonProperty("Message") String message,
    @JsonProperty("Addr") String addr) {
  public NodeStatus {
    state = state == null ? NodeState.UNKNOWN : state;
  }
}
