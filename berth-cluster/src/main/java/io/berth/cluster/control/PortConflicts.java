package io.berth.cluster.control;

import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceSpec;
import java.util.List;

/**
 * swarmkit's check, at create and update, that a published port is free: an ingress port is
 * taken swarm-wide by any other service publishing it (as asked, or as the allocator gave it), in
 * either mode; host-mode ports of different services coexist (the scheduler keeps them on
 * different nodes) unless one side publishes it through the mesh. The allocator, the one writer
 * of published ports, holds the same line for creates that race each other.
 */
final class PortConflicts {
  private PortConflicts() {}

  /** Refuses {@code spec} (of service {@code selfId}, null when new) when another service holds one of its ports. */
  static void check(ServiceSpec spec, String selfId, List<Service> services) {
    List<PortConfig> mine = spec.endpointSpec().ports().stream().filter(p -> p.publishedPort() != 0).toList();
    if (mine.isEmpty()) {
      return;
    }
    for (Service other : services) {
      if (other.id().equals(selfId)) {
        continue;
      }
      check(mine, other, other.spec().endpointSpec().ports());
      if (other.endpoint() != null) {
        check(mine, other, other.endpoint().ports());
      }
    }
  }

  private static void check(List<PortConfig> mine, Service other, List<PortConfig> theirs) {
    for (PortConfig p : theirs) {
      if (p.publishedPort() == 0) {
        continue;
      }
      for (PortConfig m : mine) {
        if (m.publishedPort() != p.publishedPort() || m.protocol() != p.protocol()) {
          continue;
        }
        if (p.publishMode() == PublishMode.INGRESS) {
          throw inUse(p, other, "an ingress port");
        }
        if (m.publishMode() == PublishMode.INGRESS) {
          throw inUse(p, other, "a host-published port");
        }
      }
    }
  }

  private static RuntimeException inUse(PortConfig p, Service other, String as) {
    return RpcErrors.invalidArgument("port '" + p.publishedPort() + "' is already in use by service '"
        + other.spec().name() + "' (" + other.id() + ") as " + as);
  }
}
