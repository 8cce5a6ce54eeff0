package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** A node's state as the dispatcher sees it through heartbeats. */
public enum NodeState implements WireName {
  UNKNOWN("unknown"),
  DOWN("down"),
  READY("ready"),
  DISCONNECTED("disconnected");

  private final String wire;

  NodeState(String wire) {
    this.wire = wire;
  }

  @Override
  @JsonValue
  public String wire() {
    return wire;
  }

  /** The value spelled {@code text}; anything else is refused naming the accepted ones. */
  public static NodeState parse(String text) {
    return WireName.parse(NodeState.class, text, "node state");
  }
}
