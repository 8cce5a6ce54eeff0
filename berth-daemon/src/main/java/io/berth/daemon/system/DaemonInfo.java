package io.berth.daemon.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * Facts about this daemon and host, gathered once at start for {@code /info} and
 * {@code /version}: engine id (stable across restarts), kernel, OS, memory, runc version.
 */
public record DaemonInfo(
    String id,
    String dataRoot,
    String kernelVersion,
    String operatingSystem,
    long memTotal,
    String hostname,
    String runcVersion,
    String cgroupVersion,
    String startedAt,
    String gitCommit) {
  /** Berth's own release: what {@code berth version} and {@code berthd --version} report. */
  public static final String VERSION = "0.1.0";

  /**
   * The Docker Engine release whose API (1.47) berthd implements, reported as the engine
   * {@code Version} because clients compare it with Docker's releases (Testcontainers refuses
   * anything below 1.6.0); Berth's own version travels beside it (decision 0015).
   */
  public static final String DOCKER_API_RELEASE = "27.5.1";

  public static DaemonInfo gather(Path dataRoot, String runcVersion) throws IOException {
    Path idFile = dataRoot.resolve("engine-id");
    String id;
    if (Files.exists(idFile)) {
      id = Files.readString(idFile).trim();
    } else {
      id = UUID.randomUUID().toString();
      Files.writeString(idFile, id + "\n");
    }
    String kernel = read("/proc/sys/kernel/osrelease", "unknown");
    String os = "Linux";
    Path osRelease = Path.of("/etc/os-release");
    if (Files.exists(osRelease)) {
      for (String line : Files.readAllLines(osRelease)) {
        if (line.startsWith("PRETTY_NAME=")) {
          os = line.substring(12).replace("\"", "");
        }
      }
    }
    long mem = 0;
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        mem = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    String cgroup = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? "2" : "1";
    String commit = DaemonInfo.class.getPackage().getImplementationVersion();
    return new DaemonInfo(id, dataRoot.toString(), kernel, os, mem,
        read("/proc/sys/kernel/hostname", "localhost"), runcVersion, cgroup,
        Instant.now().toString(), commit == null ? "dev" : commit);
  }

  private static String read(String path, String dflt) {
    try {
      return Files.readString(Path.of(path)).trim();
    } catch (IOException e) {
      return dflt;
    }
  }
}
