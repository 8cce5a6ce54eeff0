package io.berth.network.overlay;

import java.util.List;

/**
 * A service's ingress-published ports and its tasks on the ingress network, balanced as
 * {@code balancing} says; {@code id} tags its rules.
 */
public record MeshService(String id, List<MeshPort> ports, List<MeshBackend> backends, Balancing balancing) {
  public MeshService {
    ports = List.copyOf(ports);
    backends = List.copyOf(backends);
    balancing = balancing == null ? Balancing.ROUND_ROBIN : balancing;
  }

  /** A round-robin mesh service. */
  public MeshService(String id, List<MeshPort> ports, List<MeshBackend> backends) {
    this(id, ports, backends, Balancing.ROUND_ROBIN);
  }

  /** The same service balanced over {@code chosen} only (a subset of its backends). */
  MeshService over(List<MeshBackend> chosen) {
    return new MeshService(id, ports, chosen, balancing);
  }
}
