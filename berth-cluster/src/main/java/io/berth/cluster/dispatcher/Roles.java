package io.berth.cluster.dispatcher;

import io.berth.cluster.model.NodeRole;

/**
 * The two spellings of a node's role: the certificate's (ca.NodeRole, swarmkit's OU) and the
 * Node object's (model.NodeRole, Docker's JSON). The store's spec decides; the certificate follows
 * at the next renewal.
 */
final class Roles {
  private Roles() {}

  static NodeRole toModel(io.berth.cluster.ca.NodeRole role) {
    return role == io.berth.cluster.ca.NodeRole.MANAGER ? NodeRole.MANAGER : NodeRole.WORKER;
  }

  static io.berth.cluster.ca.NodeRole toCa(NodeRole role) {
    return role == NodeRole.MANAGER ? io.berth.cluster.ca.NodeRole.MANAGER : io.berth.cluster.ca.NodeRole.WORKER;
  }
}
