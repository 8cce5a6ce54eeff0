package io.berth.network.overlay;

import java.util.List;

/**
 * A service's virtual IP as one sandbox sees it: connections to {@code vip} on one of
 * {@code ports} go round robin to {@code backends} (the tasks' addresses on the same overlay);
 * with no ports listed, connections on every port go to the same port of a backend (a swarm
 * service's VIP, which Docker balances whatever the port).
 * No backends: connections are refused at once rather than left to time out.
 */
public record VirtualService(String vip, List<ServicePort> ports, List<String> backends) {
  public VirtualService {
    ports = List.copyOf(ports);
    backends = List.copyOf(backends);
  }
}
