package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** A published port's protocol. */
public enum PortProtocol implements WireName {
  TCP("tcp"),
  UDP("udp"),
  SCTP("sctp");

  private final String wire;

  PortProtocol(String wire) {
    this.wire = wire;
  }

  @Override
  @JsonValue
  public String wire() {
    return wire;
  }

  /** The value spelled {@code text}; anything else is refused naming the accepted ones. */
  public static PortProtocol parse(String text) {
    return WireName.parse(PortProtocol.class, text, "port protocol");
  }
}
