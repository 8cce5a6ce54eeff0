package io.berth.cluster.control;

import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A service spec's networks and endpoint checked against the swarm's networks, as dockerd and
 * swarmkit check them at create and update: each {@code --network} names a cluster network (by
 * name, id or id prefix; stored by id, as dockerd resolves it), never ingress or a node's local
 * network; dnsrr does not go with ports published through the routing mesh, which needs the
 * ingress network to exist.
 */
final class ServiceNetworks {
  private static final Set<String> LOCAL = Set.of("bridge", "host", "none");

  private ServiceNetworks() {}

  /** {@code spec} with its networks' targets resolved to ids; refused when one is not a usable cluster network. */
  static ServiceSpec resolve(ServiceSpec spec, NetworkControl networks) {
    checkEndpoint(spec);
    List<NetworkAttachmentConfig> resolved = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (NetworkAttachmentConfig a : spec.taskTemplate().networks()) {
      Network n = networks.find(a.target()).orElseThrow(() -> notFound(a.target()));
      if (n.spec().ingress()) {
        throw RpcErrors.invalidArgument("Service cannot be explicitly attached to the ingress network \""
            + n.spec().name() + "\"");
      }
      if (!seen.add(n.id())) {
        throw new InvalidArgumentException("service spec: network " + n.spec().name() + " is attached twice");
      }
      resolved.add(a.withTarget(n.id()));
    }
    if (spec.endpointSpec().ports().stream().anyMatch(p -> p.publishMode() == PublishMode.INGRESS)
        && networks.list().stream().noneMatch(n -> n.spec().ingress())) {
      throw RpcErrors.failedPrecondition("service needs ingress network, but no ingress network is present");
    }
    return spec.withTaskTemplate(spec.taskTemplate().withNetworks(resolved));
  }

  private static void checkEndpoint(ServiceSpec spec) {
    for (PortConfig p : spec.endpointSpec().ports()) {
      if (spec.endpointSpec().mode().equals("dnsrr") && p.publishMode() == PublishMode.INGRESS) {
        throw RpcErrors.invalidArgument("EndpointSpec: port published with ingress mode can't be used with dnsrr mode");
      }
    }
  }

  private static InvalidArgumentException notFound(String target) {
    if (LOCAL.contains(target)) {
      return new InvalidArgumentException("The network " + target + " cannot be used with services. Only networks "
          + "scoped to the swarm can be used, such as those created with the overlay driver.");
    }
    return new InvalidArgumentException("network " + target + " not found");
  }
}
