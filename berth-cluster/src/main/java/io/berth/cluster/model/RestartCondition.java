package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** When a task's container is replaced after it stops. */
public enum RestartCondition implements WireName {
  NONE("none"),
  ON_FAILURE("on-failure"),
  ANY("any");

  private final String wire;

  RestartCondition(String wire) {
    this.wire = wire;
  }

  @Override
  @JsonValue
  public String wire() {
    return wire;
  }

  /** The value spelled {@code text}; anything else is refused naming the accepted ones. */
  public static RestartCondition parse(String text) {
    return WireName.parse(RestartCondition.class, text, "restart condition");
  }
}
