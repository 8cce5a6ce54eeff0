package io.berth.network.overlay;

import java.util.List;

/**
 * A service's virtual IP as one sandbox sees it: connections to {@code vip} on one of
 * {@code ports} go to {@code backends} (the tasks' addresses on the same overlay) as
 * {@code balancing} says; with no ports listed, connections on every port go to the same port
 * of a backend (a swarm service's VIP, which Docker balances whatever the port).
 * No backends: connections are refused at once rather than left to time out.
 */
public record VirtualService(String vip, List<ServicePort> ports, List<String> backends, Balancing balancing) {
  public VirtualService {
    ports = List.copyOf(ports);
    backends = List.copyOf(backends);
    balancing = balancing == null ? Balancing.ROUND_ROBIN : balancing;
  }

  /** A round-robin virtual IP. */
  public VirtualService(String vip, List<ServicePort> ports, List<String> backends) {
    this(vip, ports, backends, Balancing.ROUND_ROBIN);
  }

  /** The same service balanced over {@code chosen} only (a subset of its backends). */
  VirtualService over(List<String> chosen) {
    return new VirtualService(vip, ports, chosen, balancing);
  }
}
