package io.berth.daemon.swarm;

import io.berth.cluster.model.EngineDescription;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.Platform;
import io.berth.cluster.model.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What this node tells the managers about itself, read afresh at each session: the hostname
 * (which {@code berth lab} sets per node), the platform as {@code uname} spells it, the CPUs and
 * memory the scheduler may reserve, and the engine's version and labels.
 */
public final class NodeDescriptions {
  private NodeDescriptions() {}

  public static Supplier<NodeDescription> of(long memTotal, String engineVersion, Map<String, String> engineLabels) {
    return () -> new NodeDescription(hostname(), new Platform(architecture(), "linux"),
        new Resources(Runtime.getRuntime().availableProcessors() * 1_000_000_000L, memTotal),
        new EngineDescription(engineVersion, engineLabels));
  }

  private static String hostname() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** Docker reports uname's machine name (x86_64, aarch64), not Java's (amd64). */
  private static String architecture() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64" -> "x86_64";
      case "arm64" -> "aarch64";
      default -> arch;
    };
  }
}
