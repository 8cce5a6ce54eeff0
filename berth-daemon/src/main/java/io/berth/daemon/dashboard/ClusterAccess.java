package io.berth.daemon.dashboard;

import io.berth.cluster.control.NodeControl;
import io.berth.cluster.control.ServiceControl;
import io.berth.cluster.control.TaskQueries;
import io.berth.daemon.swarm.SwarmMembership;
import java.time.Clock;

/**
 * The cluster's use cases for one dashboard request, made over the cluster state of the moment
 * (this node may join, leave or be promoted between two requests) and only on a manager: elsewhere
 * the 503 the Engine API answers, with Docker's texts. Writes and detail reads wait, as the Engine
 * API's do, until this manager has caught up with the leader.
 */
final class ClusterAccess {
  private final SwarmMembership swarm;
  private final Clock clock;

  ClusterAccess(SwarmMembership swarm, Clock clock) {
    this.swarm = swarm;
    this.clock = clock;
  }

  ServiceControl services() {
    return new ServiceControl(swarm.requireManager(), clock);
  }

  NodeControl nodes() {
    return new NodeControl(swarm.requireManager(), clock);
  }

  TaskQueries tasks() {
    return new TaskQueries(swarm.requireManager(), clock);
  }
}
