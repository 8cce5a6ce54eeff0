package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** A node's role: managers run the control plane, workers only tasks. */
public enum NodeRole implements WireName {
  WORKER("worker"),
  MANAGER("manager");

  private final String wire;

  NodeRole(String wire) {
    this.wire = wire;
  }

  @Override
  @JsonValue
  public String wire() {
    return wire;
  }

  /** The value spelled {@code text}; anything else is refused naming the accepted ones. */
  public static NodeRole parse(String text) {
    return WireName.parse(NodeRole.class, text, "node role");
  }
}
