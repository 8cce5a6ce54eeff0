package io.berth.cluster.allocator;

import io.berth.cluster.model.Endpoint;
import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.VirtualIp;
import io.berth.cluster.state.Plan;
import io.berth.errdefs.BerthException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Allocates each service's {@link Endpoint} from its spec: a virtual IP on each of its networks
 * (vip mode; none with dnsrr) and on ingress when it publishes ingress ports, and the published
 * ports, a port asked for reserved as asked, one left to the swarm taken from the range. What a
 * service already holds is kept (its VIPs, and a port the swarm gave it survives updates that
 * still publish the same target); what its spec dropped is released. A service that cannot be
 * allocated (a network missing or not allocated yet, a port another service holds) keeps its
 * stored endpoint and the reason, which its new tasks wait with.
 */
final class EndpointAllocation {
  private static final Comparator<Service> ORDER = Comparator
      .comparing((Service s) -> s.createdAt() == null ? Instant.EPOCH : s.createdAt())
      .thenComparing(Service::id);

  private EndpointAllocation() {}

  static void pass(List<Service> services, Allocations a, Plan plan) {
    for (Service s : services.stream().sorted(ORDER).toList()) {
      Endpoint stored = s.endpoint() == null ? Endpoint.NONE : s.endpoint();
      Optional<String> missing = missingNetwork(s, a);
      if (missing.isPresent()) {
        a.problems.put(s.id(), missing.get());
        continue;
      }
      a.ports.releaseAll(s.id());
      try {
        Endpoint next = new Endpoint(s.spec().endpointSpec(), ports(s, stored, a), virtualIps(s, stored, a));
        a.endpoints.put(s.id(), next);
        if (!next.equals(s.endpoint())) {
          if (plan.full()) {
            return;
          }
          plan.update(s.withEndpoint(next));
        }
      } catch (BerthException e) {
        a.ports.releaseAll(s.id());
        a.reserve(s.id(), stored);
        a.problems.put(s.id(), e.getMessage());
      }
    }
  }

  /** The networks a service's tasks join: its own, then ingress when it publishes through the mesh. */
  static List<String> networkIds(Service s, Allocations a) {
    List<String> ids = new ArrayList<>(s.spec().taskTemplate().networks().stream()
        .map(NetworkAttachmentConfig::target).toList());
    if (Allocations.needsIngress(s.spec().endpointSpec().ports())) {
      ids.add(a.ingress().map(n -> n.id()).orElse("ingress"));
    }
    return ids;
  }

  /** Why the service's networks are not ready: one missing or not allocated yet. */
  static Optional<String> missingNetwork(Service s, Allocations a) {
    for (String id : networkIds(s, a)) {
      if (!a.networks.containsKey(id)) {
        return Optional.of("network " + id + " not found");
      }
      if (a.allocated(id).isEmpty()) {
        return Optional.of("network " + a.networks.get(id).spec().name() + " is not allocated yet");
      }
    }
    return Optional.empty();
  }

  private static List<PortConfig> ports(Service s, Endpoint stored, Allocations a) {
    List<PortConfig> out = new ArrayList<>();
    for (PortConfig p : s.spec().endpointSpec().ports()) {
      if (p.publishMode() != PublishMode.INGRESS) {
        out.add(p);
      } else if (p.publishedPort() != 0) {
        if (!a.ports.reserve(s.id(), p.protocol(), p.publishedPort())) {
          throw new io.berth.errdefs.ConflictException("port '" + p.publishedPort() + "' is already in use by service "
              + a.ports.owner(p.protocol(), p.publishedPort()).orElse("?") + " as an ingress port");
        }
        out.add(p);
      } else {
        out.add(withPublished(p, keptOrNew(s.id(), p, stored, a)));
      }
    }
    return out;
  }

  /** The port the swarm gave this target before (if still free to keep), or a new one. */
  private static int keptOrNew(String service, PortConfig p, Endpoint stored, Allocations a) {
    for (PortConfig had : stored.ports()) {
      if (had.publishMode() == PublishMode.INGRESS && had.protocol() == p.protocol()
          && had.targetPort() == p.targetPort() && a.ports.inRange(had.publishedPort())
          && !askedFor(stored, had) && a.ports.reserve(service, had.protocol(), had.publishedPort())) {
        return had.publishedPort();
      }
    }
    return a.ports.take(service, p.protocol());
  }

  /** True when the stored port was the user's choice, not the swarm's (its spec named it). */
  private static boolean askedFor(Endpoint stored, PortConfig had) {
    return stored.spec().ports().stream().anyMatch(q -> q.publishedPort() == had.publishedPort()
        && q.protocol() == had.protocol());
  }

  private static PortConfig withPublished(PortConfig p, int published) {
    return new PortConfig(p.name(), p.protocol(), p.targetPort(), published, p.publishMode());
  }

  private static List<VirtualIp> virtualIps(Service s, Endpoint stored, Allocations a) {
    List<String> wanted = s.spec().endpointSpec().mode().equals("vip") ? networkIds(s, a) : List.of();
    List<VirtualIp> out = new ArrayList<>();
    for (VirtualIp had : stored.virtualIps()) {
      if (!wanted.contains(had.networkId())) {
        a.allocated(had.networkId()).ifPresent(n -> a.spaces.get(n.id()).release(had.addr()));
      }
    }
    for (String id : wanted) {
      Optional<VirtualIp> had = stored.virtualIps().stream().filter(v -> v.networkId().equals(id)).findFirst();
      out.add(had.orElseGet(() -> new VirtualIp(id, a.spaces.get(id).take())));
    }
    return out;
  }
}
