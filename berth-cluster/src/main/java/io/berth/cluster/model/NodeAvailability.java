package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether the scheduler may place tasks on a node: pause keeps its tasks, drain moves them off. */
public enum NodeAvailability implements WireName {
  ACTIVE("active"),
  PAUSE("pause"),
  DRAIN("drain");

  private final String wire;

  NodeAvailability(String wire) {
    this.wire = wire;
  }

  @Override
  @JsonValue
  public String wire() {
    return wire;
  }

  /** The value spelled {@code text}; anything else is refused naming the accepted ones. */
  public static NodeAvailability parse(String text) {
    return WireName.parse(NodeAvailability.class, text, "node availability");
  }
}
