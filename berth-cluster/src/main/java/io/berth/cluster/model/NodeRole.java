package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A node's role: managers run the control plane, workers only tasks. Spelled as Docker's JSON
 * ({@link #wire}) and as swarmkit's certificate OU ({@link #ou}), so a certificate reads the same
 * to Berth, Docker and openssl.
 */
public enum NodeRole implements WireName {
  WORKER("worker", "swarm-worker"),
  MANAGER("manager", "swarm-manager");

  private final String wire;
  private final String ou;

  NodeRole(String wire, String ou) {
    this.wire = wire;
    this.ou = ou;
  }

  /** The organizational unit naming this role in a node certificate. */
  public String ou() {
    return ou;
  }

  /** The role a certificate's OU names; anything else is refused by name. */
  public static NodeRole fromOu(String ou) {
    for (NodeRole r : values()) {
      if (r.ou.equals(ou)) {
        return r;
      }
    }
    throw new io.berth.errdefs.InvalidArgumentException(
        "certificate OU \"" + ou + "\" is not a node role (swarm-manager or swarm-worker)");
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
