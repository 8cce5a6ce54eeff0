package io.berth.cluster.ca;

import io.berth.errdefs.InvalidArgumentException;

/**
 * What a node certificate lets its holder do, written in the certificate's OU with swarmkit's
 * names so a certificate reads the same to Berth, Docker and openssl.
 */
public enum NodeRole {
  MANAGER("swarm-manager"),
  WORKER("swarm-worker");

  private final String ou;

  NodeRole(String ou) {
    this.ou = ou;
  }

  /** The organizational unit naming this role in a certificate. */
  public String ou() {
    return ou;
  }

  /** The role an OU names; anything else is refused by name. */
  public static NodeRole fromOu(String ou) {
    for (NodeRole r : values()) {
      if (r.ou.equals(ou)) {
        return r;
      }
    }
    throw new InvalidArgumentException(
        "certificate OU \"" + ou + "\" is not a node role (swarm-manager or swarm-worker)");
  }
}
