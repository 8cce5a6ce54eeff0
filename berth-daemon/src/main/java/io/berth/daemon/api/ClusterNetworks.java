package io.berth.daemon.api;

import io.berth.cluster.control.NetworkControl;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkSpec;
import io.berth.daemon.swarm.LocalNodeState;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.errdefs.ForbiddenException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The swarm's networks as the {@code /networks} routes see them beside the node's own: on a
 * manager they are listed, found and removed through {@link NetworkControl}; elsewhere there are
 * none to see, and creating one is refused with Docker's text for the node's state.
 */
final class ClusterNetworks {
  /** How long a create waits for the allocator, so the answer's network shows its subnet. */
  private static final Duration ALLOCATION_WAIT = Duration.ofSeconds(5);

  private final Optional<SwarmMembership> swarm;
  private final Clock clock;
  private final Duration allocationWait;

  ClusterNetworks(Optional<SwarmMembership> swarm, Clock clock) {
    this(swarm, clock, ALLOCATION_WAIT);
  }

  /** @param allocationWait how long a create waits for the leader's allocator (tests without one: zero) */
  ClusterNetworks(Optional<SwarmMembership> swarm, Clock clock, Duration allocationWait) {
    this.swarm = swarm;
    this.clock = clock;
    this.allocationWait = allocationWait;
  }

  /** The cluster's networks; none on a node that is not an active manager. */
  List<Network> list() {
    return control().map(NetworkControl::list).orElse(List.of());
  }

  Optional<Network> find(String ref) {
    return control().flatMap(c -> c.find(ref));
  }

  /** {@code docker network create -d overlay}: a manager's write; a worker gets Docker's 403. */
  Network create(NetworkSpec spec) throws InterruptedException {
    SwarmMembership m = swarm.orElseThrow(io.berth.daemon.swarm.SwarmUnavailableException::notInSwarm);
    if (m.managerState().isEmpty() && m.info().localNodeState() == LocalNodeState.ACTIVE) {
      throw new ForbiddenException("Cannot create a multi-host network from a worker node. "
          + "Please create the network from a manager node.");
    }
    NetworkControl c = new NetworkControl(m.requireManager(), clock);
    return c.awaitAllocated(c.create(spec).id(), allocationWait);
  }

  void remove(Network n) {
    control().orElseThrow().remove(n.id());
  }

  private Optional<NetworkControl> control() {
    return swarm.flatMap(SwarmMembership::managerState).map(s -> new NetworkControl(s, clock));
  }
}
