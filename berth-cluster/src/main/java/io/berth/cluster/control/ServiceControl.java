package io.berth.cluster.control;

import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Mount;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.Resources;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceBalancing;
import io.berth.cluster.model.ServiceDependencies;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.UpdateStatus;
import io.berth.cluster.model.Version;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.Ids;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Reference;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The user's writes of services ({@code docker service create/update/rm}) and their reads, with
 * swarmkit's validation and texts: names unique (ignoring case) and DNS-safe, resources at least
 * a thousandth of a CPU and 4 MiB, no duplicate mount points or published ports, updates only from
 * the version read, no renames or mode changes; networks named must be cluster networks (stored
 * by id) and published ports free swarm-wide ({@link ServiceNetworks}, {@link PortConflicts}),
 * secrets and configs named must exist ({@link PayloadReferences}).
 * The allocator's endpoint is kept across updates. The registry credentials of
 * {@code --with-registry-auth} go into the task template's pull options, kept across updates that
 * send none, as Docker does. An update that changes nothing writes nothing (swarmkit would bump the
 * version): {@code stack deploy} sends every service of the file again.
 */
public final class ServiceControl {
  /** swarmkit's isValidDNSName. */
  private static final Pattern DNS_NAME = Pattern.compile("^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$");
  private static final Set<String> LIST_FILTERS = Set.of("id", "label", "mode", "name");

  private final ClusterState state;
  private final Clock clock;

  public ServiceControl(ClusterState state, Clock clock) {
    this.state = state;
    this.clock = clock;
  }

  /** {@code registryAuth}: the client's X-Registry-Auth, or null/empty without {@code --with-registry-auth}. */
  public Service create(ServiceSpec asked, String registryAuth) {
    validate(asked);
    PayloadReferences.check(asked.taskTemplate().containerSpec(), state);
    ServiceSpec spec = ServiceNetworks.resolve(asked, new NetworkControl(state, clock));
    PortConflicts.check(spec, null, state.services());
    String lower = spec.name().toLowerCase(Locale.ROOT);
    for (Service s : state.services()) {
      if (s.spec().name().toLowerCase(Locale.ROOT).equals(lower)) {
        throw RpcErrors.alreadyExists("name conflicts with an existing object: service " + spec.name()
            + " already exists");
      }
    }
    Instant now = clock.instant();
    Service service = new Service(Ids.newId(), Version.ZERO, now, now, withAuth(spec, blankToNull(registryAuth)));
    return ClusterState.decode(state.batch().create(service).apply().getFirst(), Service.class);
  }

  public Service inspect(String ref) {
    return Lookup.find("service", ref, state.services(), Service::id,
        s -> s.spec().name().equalsIgnoreCase(ref));
  }

  /** Docker's service list filters: id (prefix), label, mode (replicated|global|...), name (prefix). */
  public List<Service> list(Filters filters) {
    filters.accept(LIST_FILTERS);
    return state.services().stream()
        .filter(s -> filters.any("id", s.id()::startsWith))
        .filter(s -> filters.any("name", s.spec().name()::startsWith))
        .filter(s -> filters.any("mode", m -> modeName(s).equals(m)))
        .filter(s -> filters.labels("label", s.spec().labels()))
        .toList();
  }

  /**
   * {@code docker service update}: the whole new spec from the version read. {@code registryAuth}
   * replaces the pull credentials when given; otherwise they come from the current spec
   * ({@code registryAuthFrom} "spec" or empty); "previous-spec" needs a rollback Berth does not keep.
   */
  public Service update(String ref, long version, ServiceSpec asked, String registryAuth, String registryAuthFrom) {
    Service current = inspect(ref);
    if (current.version().index() != version) {
      throw RpcErrors.outOfSequence();
    }
    if (!current.spec().name().equals(asked.name())) {
      throw RpcErrors.unimplemented("renaming services is not supported");
    }
    if (current.spec().mode().kind() != asked.mode().kind()) {
      throw RpcErrors.unimplemented("service mode change is not allowed");
    }
    validate(asked);
    PayloadReferences.check(asked.taskTemplate().containerSpec(), state);
    ServiceSpec spec = ServiceNetworks.resolve(asked, new NetworkControl(state, clock));
    if (!spec.endpointSpec().equals(current.spec().endpointSpec())) {
      PortConflicts.check(spec, current.id(), state.services());
    }
    String auth = blankToNull(registryAuth);
    if (auth == null) {
      String from = registryAuthFrom == null ? "" : registryAuthFrom;
      switch (from) {
        case "", "spec" -> auth = current.spec().taskTemplate().containerSpec().registryAuth();
        case "previous-spec" -> auth = current.previousSpec() == null ? null
            : current.previousSpec().taskTemplate().containerSpec().registryAuth();
        default -> throw new InvalidArgumentException("unsupported registryAuthFrom value");
      }
    }
    ServiceSpec nextSpec = keepImagePlatforms(withAuth(spec, auth), current.spec());
    if (nextSpec.equals(current.spec())) {
      // nothing asked changes (a stack redeploy sends every service again): no write, so the
      // service keeps its version, update status and previous spec
      return current;
    }
    Instant now = clock.instant();
    boolean tasksChange = !nextSpec.taskTemplate().equals(current.spec().taskTemplate());
    // a new task spec starts a rolling update from the spec before it (swarmkit's PreviousSpec)
    Service next = new Service(current.id(), new Version(version), current.createdAt(), now, nextSpec,
        current.endpoint(),
        tasksChange ? new UpdateStatus(UpdateStatus.UPDATING, now, null, "update in progress") : current.updateStatus(),
        tasksChange ? current.spec() : current.previousSpec());
    return ClusterState.decode(state.batch().update(next).apply().getFirst(), Service.class);
  }

  /**
   * {@code docker service rollback} ({@code service update --rollback}): the service goes back to
   * its previous spec, rolled out with its rollback settings; the spec it leaves becomes the
   * previous one.
   */
  public Service rollback(String ref, long version) {
    Service current = inspect(ref);
    if (current.version().index() != version) {
      throw RpcErrors.outOfSequence();
    }
    if (current.previousSpec() == null) {
      throw RpcErrors.failedPrecondition("service " + current.id() + " does not have a previous spec");
    }
    Instant now = clock.instant();
    Service next = new Service(current.id(), new Version(version), current.createdAt(), now, current.previousSpec(),
        current.endpoint(), new UpdateStatus(UpdateStatus.ROLLBACK_STARTED, now, null, "manually requested rollback"),
        current.spec());
    return ClusterState.decode(state.batch().update(next).apply().getFirst(), Service.class);
  }

  /** The counts {@code service ls} shows for {@code service} (Docker's ServiceStatus). */
  public ServiceStatus status(Service service) {
    return ServiceStatus.of(service, state.tasksOfService(service.id()));
  }

  /** {@code docker service rm}: the service goes; its orchestrator shuts its tasks down. Returns what was removed. */
  public Service remove(String ref) {
    Service s = inspect(ref);
    state.batch().delete(ClusterState.SERVICES, s.id()).apply();
    return s;
  }

  /** Docker's mode names as {@code service ls --filter mode=} takes them. */
  static String modeName(Service s) {
    return switch (s.spec().mode().kind()) {
      case REPLICATED -> "replicated";
      case GLOBAL -> "global";
      case REPLICATED_JOB -> "replicated-job";
      case GLOBAL_JOB -> "global-job";
    };
  }

  private static void validate(ServiceSpec spec) {
    String name = spec.name();
    if (!DNS_NAME.matcher(name).matches()) {
      throw RpcErrors.invalidArgument("name must be valid as a DNS name component");
    }
    if (name.length() > 63) {
      throw RpcErrors.invalidArgument("name must be 63 characters or fewer");
    }
    if (spec.mode().global() != null && (spec.update().startFirst() || spec.rollback().startFirst())) {
      // a node runs one task of a global service; two at once during an update is not done yet
      throw new InvalidArgumentException("update order start-first is not supported by Berth for global services yet"
          + " (--update-order/--rollback-order stop-first)");
    }
    ServiceDependencies.of(spec.labels()).checkFor(name);
    ServiceBalancing.of(spec.labels());
    TaskSpec task = spec.taskTemplate();
    String image = task.containerSpec().image();
    try {
      Reference.parse(image);
    } catch (InvalidArgumentException e) {
      throw RpcErrors.invalidArgument("ContainerSpec: \"" + image + "\" is not a valid repository/tag");
    }
    resources(task.resources().limits());
    resources(task.resources().reservations());
    Set<String> targets = new HashSet<>();
    for (Mount m : task.containerSpec().mounts()) {
      if (!targets.add(m.target())) {
        throw RpcErrors.invalidArgument("ContainerSpec: duplicate mount point: " + m.target());
      }
    }
    Set<String> published = new HashSet<>();
    for (PortConfig p : spec.endpointSpec().ports()) {
      if (p.publishedPort() != 0 && !published.add(p.protocol().wire() + "/" + p.publishedPort())) {
        throw RpcErrors.invalidArgument("EndpointSpec: duplicate published ports provided");
      }
    }
  }

  private static void resources(Resources r) {
    if (r == null) {
      return;
    }
    if (r.nanoCpus() != 0 && r.nanoCpus() < 1_000_000) {
      throw RpcErrors.invalidArgument("invalid cpu value " + (r.nanoCpus() / 1e9) + ": Must be at least 0.001");
    }
    if (r.memoryBytes() != 0 && r.memoryBytes() < 4L * 1024 * 1024) {
      throw RpcErrors.invalidArgument("invalid memory value " + r.memoryBytes() + ": Must be at least 4MiB");
    }
  }

  /**
   * The platforms the client recorded for the image (from the registry, when it pinned the digest)
   * describe that image: an update naming the same image without them keeps them. docker's
   * {@code stack deploy --resolve-image never|changed} sends the pinned image back without the
   * platforms it resolved; taken as written, every redeploy would replace every task.
   */
  private static ServiceSpec keepImagePlatforms(ServiceSpec asked, ServiceSpec current) {
    TaskSpec t = asked.taskTemplate();
    List<io.berth.cluster.model.Platform> had = current.taskTemplate().placement().platforms();
    if (!t.placement().platforms().isEmpty() || had.isEmpty()
        || !t.containerSpec().image().equals(current.taskTemplate().containerSpec().image())) {
      return asked;
    }
    var p = t.placement();
    return asked.withTaskTemplate(t.withPlacement(new io.berth.cluster.model.Placement(p.constraints(), p.preferences(),
        p.maxReplicas(), had)));
  }

  private static ServiceSpec withAuth(ServiceSpec spec, String auth) {
    TaskSpec t = spec.taskTemplate();
    ContainerSpec c = t.containerSpec().withPullOptions(auth == null ? null : new ContainerSpec.PullOptions(auth));
    return spec.withTaskTemplate(t.withContainerSpec(c));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
