package io.berth.daemon.task;

import io.berth.cluster.model.EngineDescription;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.Platform;
import io.berth.cluster.model.Resources;
import io.berth.daemon.system.DaemonInfo;
import java.util.Map;

/**
 * What this node tells the managers about itself when its agent's session opens (Docker's
 * Node.Description, what `docker node inspect` shows and the scheduler filters on): the host's
 * name, its platform as Docker spells it (x86_64, linux), its CPUs and memory, and the engine's
 * version (the Docker release berthd's API matches, as /version reports it). berthd has no
 * daemon labels yet, so {@code engine.labels.*} constraints match nothing.
 */
public final class NodeDescriptions {
  private NodeDescriptions() {}

  public static NodeDescription of(DaemonInfo info) {
    return of(info, Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"));
  }

  static NodeDescription of(DaemonInfo info, int cpus, String javaArch) {
    return new NodeDescription(info.hostname(), new Platform(dockerArch(javaArch), "linux"),
        new Resources(cpus * 1_000_000_000L, info.memTotal()),
        new EngineDescription(DaemonInfo.DOCKER_API_RELEASE, Map.of()));
  }

  /** The JVM's architecture name as uname (and so Docker's node description) spells it. */
  private static String dockerArch(String javaArch) {
    return switch (javaArch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> javaArch;
    };
  }
}
