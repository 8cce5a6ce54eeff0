package io.berth.network.overlay;

import java.util.List;

/**
 * A service's ingress-published ports and its tasks on the ingress network; {@code id} tags its
 * rules.
 */
public record MeshService(String id, List<MeshPort> ports, List<MeshBackend> backends) {
  public MeshService {
    ports = List.copyOf(ports);
    backends = List.copyOf(backends);
  }
}
