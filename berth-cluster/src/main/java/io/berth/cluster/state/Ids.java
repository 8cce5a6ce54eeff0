package io.berth.cluster.state;

import io.berth.cluster.ca.NodeAdmission;
import java.security.SecureRandom;

/** Object ids as swarmkit makes them (25 base-36 characters, 128 random bits) for services and tasks too. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newId() {
    return NodeAdmission.newNodeId(RANDOM);
  }
}
