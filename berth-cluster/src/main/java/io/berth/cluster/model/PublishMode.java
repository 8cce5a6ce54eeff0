package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a published port is exposed: through the routing mesh on every node, or on the task's node only. */
public enum PublishMode implements WireName {
  INGRESS("ingress"),
  HOST("host");

  private final String wire;

  PublishMode(String wire) {
    this.wire = wire;
  }

  @Override
  @JsonValue
  public String wire() {
    return wire;
  }

  /** The value spelled {@code text}; anything else is refused naming the accepted ones. */
  public static PublishMode parse(String text) {
    return WireName.parse(PublishMode.class, text, "publish mode");
  }
}
