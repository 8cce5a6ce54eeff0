package io.berth.daemon.swarm;

import io.berth.cluster.ca.keys.UnlockKey;
import io.berth.cluster.dispatcher.DispatcherSession;
import io.berth.cluster.model.NodeRole;
import java.util.function.Consumer;
import io.berth.cluster.ca.tls.NodeCredentials;

/**
 * What a swarm member runs besides its Raft member, supplied by the daemon so this package does
 * not build containers or RPC servers itself: the leader's loops and the dispatcher on a manager,
 * the agent on every node. {@link #start} is called when the node becomes a member (init, join,
 * a restart), its result closed when it stops being one or berthd stops.
 */
interface SwarmRoles {
  /**
   * Starts the member's work; {@code manager} is null on a worker, {@code unlockKey} null unless
   * autolock is on (a renewed key is stored under it).
   */
  AutoCloseable start(SwarmFiles.LocalState local, NodeCredentials credentials, ManagerRuntime manager,
      UnlockKey unlockKey);

  /** {@code swarm leave}: what must go with the membership (the node's task containers). */
  void leave(SwarmFiles.LocalState local);

  /** Told the role the cluster gives this node, with each assignment set of the running member. */
  void onRole(Consumer<NodeRole> listener);

  /** The running member's session with the managers (renewal, the Raft group, where managers are). */
  DispatcherSession session();

  /** What the member's loops and store count for metrics, kept across memberships. */
  default io.berth.cluster.metrics.ClusterTallies tallies() {
    return new io.berth.cluster.metrics.ClusterTallies();
  }
}
