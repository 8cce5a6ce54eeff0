package io.berth.cluster.control;

import io.berth.cluster.allocator.AddressSpace;
import io.berth.cluster.allocator.Cidr;
import io.berth.cluster.allocator.Overlap;
import io.berth.cluster.allocator.TunnelPool;
import io.berth.cluster.model.IpamConfig;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.NetworkSpec;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.Version;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.Ids;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The user's writes of cluster networks ({@code docker network create -d overlay}, {@code rm})
 * and their reads, with swarmkit's checks and texts. The create writes the spec only: the
 * allocator gives the network its subnet and VNI (its one writer); a subnet the user names is
 * checked here against the other networks so an overlap is refused at once, not left waiting.
 */
public final class NetworkControl {
  /** The overlay driver's options Berth honours (the data path encrypts such a network). */
  private static final Set<String> OPTIONS = Set.of("encrypted");
  private static final Set<String> PREDEFINED = Set.of("bridge", "host", "none");

  private final ClusterState state;
  private final Clock clock;

  public NetworkControl(ClusterState state, Clock clock) {
    this.state = state;
    this.clock = clock;
  }

  public Network create(NetworkSpec spec) {
    validate(spec);
    List<Network> all = state.networks();
    for (Network n : all) {
      if (n.spec().name().equals(spec.name())) {
        throw RpcErrors.alreadyExists("network " + spec.name() + " already exists");
      }
      if (spec.ingress() && n.spec().ingress()) {
        throw new ForbiddenException("ingress network (" + n.id() + ") is already present");
      }
    }
    checkOverlap(spec, all);
    Instant now = clock.instant();
    Network n = new Network(Ids.newId(), Version.ZERO, now, now, spec, null, null);
    return ClusterState.decode(state.batch().create(n).apply().getFirst(), Network.class);
  }

  /**
   * Waits, at most {@code timeout}, until the allocator gave network {@code id} its subnet, so a
   * {@code network create} followed by {@code inspect} shows it as Docker's does; the network as
   * stored then (perhaps still unallocated: no leader loop ran in time).
   */
  public Network awaitAllocated(String id, java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long index = state.store().index();
    while (true) {
      Network n = state.network(id).orElseThrow(() -> new NotFoundException("network " + id + " not found"));
      long left = deadline - System.nanoTime();
      if (n.allocated() || left <= 0) {
        return n;
      }
      index = state.store().awaitIndex(index, java.time.Duration.ofNanos(Math.min(left, 100_000_000L)));
    }
  }

  /** By full id, then name, then id prefix (Docker's order); NotFound "network X not found". */
  public Network inspect(String ref) {
    return Lookup.find("network", ref, state.networks(), Network::id, n -> n.spec().name().equals(ref));
  }

  /** The network {@code ref} names, if a cluster network does. */
  public Optional<Network> find(String ref) {
    try {
      return Optional.of(inspect(ref));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  public List<Network> list() {
    return state.networks();
  }

  /**
   * {@code docker network rm}: refused while a service or a task still meant to run uses the
   * network (swarmkit's FailedPrecondition texts); the ingress network while a service publishes
   * through the routing mesh. Returns what was removed.
   */
  public Network remove(String ref) {
    Network n = inspect(ref);
    List<Service> services = state.services();
    if (n.spec().ingress()) {
      for (Service s : services) {
        if (s.spec().endpointSpec().ports().stream().anyMatch(p -> p.publishMode() == PublishMode.INGRESS)) {
          throw RpcErrors.failedPrecondition("ingress network cannot be removed because service " + s.id()
              + " depends on it");
        }
      }
    }
    for (Service s : services) {
      if (s.spec().taskTemplate().networks().stream().anyMatch(a -> a.target().equals(n.id()))) {
        throw RpcErrors.failedPrecondition("network " + n.id() + " is in use by service " + s.id());
      }
    }
    Set<String> serviceIds = services.stream().map(Service::id).collect(Collectors.toSet());
    for (Task t : state.tasks()) {
      if (!t.isAttachment() && !serviceIds.contains(t.serviceId())) {
        // its service is gone: the orchestrator's next pass desires "remove" (ServiceRemoval), so the
        // task is no longer meant to run even before that write; `stack rm` removes the networks
        // right after the services and would otherwise race that pass
        continue;
      }
      boolean uses = t.spec().networks().stream().map(NetworkAttachmentConfig::target).anyMatch(n.id()::equals)
          || t.networksAttachments().stream().anyMatch(a -> a.network() != null && a.network().id().equals(n.id()));
      if (uses && t.desiredState().compareTo(TaskState.RUNNING) <= 0
          && t.status().state().compareTo(TaskState.RUNNING) <= 0) {
        throw RpcErrors.failedPrecondition("network " + n.id() + " is in use by task " + t.id());
      }
    }
    state.batch().delete(ClusterState.NETWORKS, n.id()).apply();
    return n;
  }

  private static void validate(NetworkSpec spec) {
    if (PREDEFINED.contains(spec.name())) {
      throw new ForbiddenException(spec.name() + " is a pre-defined network and cannot be created");
    }
    String driver = spec.driverConfiguration().name();
    if (!driver.equals(NetworkSpec.OVERLAY)) {
      throw new InvalidArgumentException("network driver \"" + driver + "\" cannot make a swarm network: "
          + "Berth's swarm networks use the overlay driver (-d overlay)");
    }
    for (String o : spec.driverConfiguration().options().keySet()) {
      if (!OPTIONS.contains(o)) {
        throw new InvalidArgumentException("overlay network option \"" + o + "\" is not supported by Berth "
            + "(supported: " + String.join(", ", OPTIONS) + ")");
      }
    }
    if (!spec.ipamOptions().driver().name().equals("default")) {
      throw new InvalidArgumentException("IPAM driver " + spec.ipamOptions().driver().name()
          + " is not supported (default)");
    }
    if (!spec.ipamOptions().driver().options().isEmpty()) {
      throw new InvalidArgumentException("IPAM driver options are not supported (--ipam-opt)");
    }
    if (spec.ipamOptions().configs().size() > 1) {
      throw new InvalidArgumentException("only one IPv4 subnet per swarm network is supported, got "
          + spec.ipamOptions().configs().size());
    }
    for (IpamConfig c : spec.ipamOptions().configs()) {
      if (c.subnet().isEmpty() && (!c.gateway().isEmpty() || !c.range().isEmpty())) {
        throw new InvalidArgumentException("a gateway or ip-range needs a subnet (--subnet)");
      }
      if (c.subnet().contains(":")) {
        throw new InvalidArgumentException("IPv6 subnets are not supported yet: " + c.subnet());
      }
      if (!c.subnet().isEmpty()) {
        AddressSpace.Block.of(c);
      }
    }
    if (spec.ingress() && spec.attachable()) {
      throw new InvalidArgumentException("ingress network cannot be attachable");
    }
  }

  /** A subnet asked for must overlap no other cluster network's, allocated or asked for. */
  private static void checkOverlap(NetworkSpec spec, List<Network> all) {
    for (IpamConfig c : spec.ipamOptions().configs()) {
      if (c.subnet().isEmpty()) {
        continue;
      }
      Cidr mine = Cidr.parse(c.subnet());
      TunnelPool.refuseOverlap(mine);
      for (Network other : all) {
        List<IpamConfig> theirs = other.allocated() ? other.ipamOptions().configs() : other.spec().ipamOptions().configs();
        for (IpamConfig t : theirs) {
          if (!t.subnet().isEmpty() && Cidr.parse(t.subnet()).overlaps(mine)) {
            throw Overlap.of(mine, other, t.subnet());
          }
        }
      }
    }
  }
}
