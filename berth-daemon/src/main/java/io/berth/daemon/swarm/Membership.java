package io.berth.daemon.swarm;

import io.berth.cluster.ca.tls.NodeCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node is in the swarm at one moment, as one immutable value the lifecycle swaps: not
 * in one, locked, in error, or an active member with its credentials, its Raft member (managers)
 * and what else it runs. Readers take the current value without a lock.
 */
record Membership(LocalNodeState state, SwarmFiles.LocalState local, NodeCredentials credentials,
    ManagerRuntime manager, AutoCloseable running, String error) implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

  static final Membership NONE = new Membership(LocalNodeState.INACTIVE, null, null, null, null, "");

  Membership {
    error = error == null ? "" : error;
  }

  static Membership error(String message) {
    return new Membership(LocalNodeState.ERROR, null, null, null, null, message);
  }

  static Membership locked(SwarmFiles.LocalState local) {
    return new Membership(LocalNodeState.LOCKED, local, null, null, null, "");
  }

  static Membership active(SwarmFiles.LocalState local, NodeCredentials credentials, ManagerRuntime manager,
      AutoCloseable running) {
    return new Membership(LocalNodeState.ACTIVE, local, credentials, manager, running, "");
  }

  Membership withLocal(SwarmFiles.LocalState value) {
    return new Membership(state, value, credentials, manager, running, error);
  }

  /** Stops what runs, the Raft member last (the loops and the agent may still write while they stop). */
  @Override
  public void close() {
    if (running != null) {
      try {
        running.close();
      } catch (Exception e) {
        LOG.warn("stopping the swarm member's loops: {}", e.toString());
      }
    }
    if (manager != null) {
      manager.close();
    }
  }
}
