package io.berth.daemon.swarm;

import com.fasterxml.jackson.annotation.JsonValue;

/** This node's swarm state as {@code /info} spells it (Docker's LocalNodeState). */
public enum LocalNodeState {
  INACTIVE("inactive"),
  PENDING("pending"),
  ACTIVE("active"),
  ERROR("error"),
  LOCKED("locked");

  private final String wire;

  LocalNodeState(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }
}
