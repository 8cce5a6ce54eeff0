package io.berth.cluster.scheduler;

import io.berth.cluster.model.PortConfig;
import java.util.List;

/** A task publishing a port in host mode cannot go where another task already holds that port. */
public final class HostPortFilter implements NodeFilter {
  @Override
  public Check prepare(TaskGroup group) {
    List<PortConfig> ports = group.endpoint().ports().stream().filter(PortConfig::takesHostPort).toList();
    if (ports.isEmpty()) {
      return null;
    }
    return n -> {
      for (PortConfig p : ports) {
        if (n.hostPortInUse(p)) {
          return false;
        }
      }
      return true;
    };
  }

  @Override
  public boolean changesWithPlacements() {
    return true;
  }

  @Override
  public String explain(int nodes) {
    return "host-mode port already in use on " + NodeFilter.nodes(nodes);
  }
}
