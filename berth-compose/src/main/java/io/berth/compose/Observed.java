package io.berth.compose;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine already holds for a project, as the {@link Planner} needs it: network and
 * volume names that exist, the ids of the images present (by the reference the project uses),
 * the project's containers as compose's labels describe them, and the config-hash label of each
 * network that has one (by name). The CLI fills it from the
 * Engine API; tests build it by hand.
 */
public record Observed(Set<String> networks, Set<String> volumes, Map<String, String> images, List<Existing> containers,
    Map<String, String> networkHashes) {
  public Observed {
    networks = Set.copyOf(networks);
    volumes = Set.copyOf(volumes);
    images = Map.copyOf(images);
    containers = List.copyOf(containers);
    networkHashes = Map.copyOf(networkHashes);
  }

  /** Without config-hash labels on the networks (made before Berth set them, or by hand). */
  public Observed(Set<String> networks, Set<String> volumes, Map<String, String> images, List<Existing> containers) {
    this(networks, volumes, images, containers, Map.of());
  }

  /** Nothing exists yet. */
  public static Observed empty() {
    return new Observed(Set.of(), Set.of(), Map.of(), List.of());
  }

  /**
   * One container of the project.
   *
   * @param configHash its {@code com.docker.compose.config-hash} label
   * @param imageId its {@code com.docker.compose.image} label, null when absent
   */
  public record Existing(String id, String name, String service, int number, String configHash, String imageId,
      boolean running, boolean oneoff) {}
}
