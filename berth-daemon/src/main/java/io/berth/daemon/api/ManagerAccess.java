package io.berth.daemon.api;

import io.berth.cluster.control.NodeControl;
import io.berth.cluster.control.ServiceControl;
import io.berth.cluster.control.TaskQueries;
import io.berth.cluster.state.ClusterState;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.daemon.swarm.SwarmUnavailableException;
import java.time.Clock;
import java.util.Optional;

/**
 * The cluster use cases for one request, on a manager only: otherwise the 503 Docker answers in
 * this node's state (in no swarm, a worker, locked). The use cases are made per request over the
 * cluster state of the moment, as a node can join, leave or be promoted between two requests.
 */
final class ManagerAccess {
  private final Optional<SwarmMembership> swarm;
  private final Clock clock;

  ManagerAccess(Optional<SwarmMembership> swarm, Clock clock) {
    this.swarm = swarm;
    this.clock = clock;
  }

  ClusterState state() {
    return swarm.orElseThrow(SwarmUnavailableException::notInSwarm).requireManager();
  }

  ServiceControl services() {
    return new ServiceControl(state(), clock);
  }

  NodeControl nodes() {
    return new NodeControl(state(), clock);
  }

  TaskQueries tasks() {
    return new TaskQueries(state(), clock);
  }
}
