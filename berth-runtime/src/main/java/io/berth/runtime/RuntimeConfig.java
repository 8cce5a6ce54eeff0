package io.berth.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the runtime keeps its state, so that two daemons on one host never share runc state,
 * exit files or cgroups.
 *
 * @param runc runc binary (name on PATH or absolute path)
 * @param conmon conmon binary
 * @param runcRoot runc's {@code --root}
 * @param cgroupParent parent cgroup of every container (cgroupfs driver)
 * @param exitDir where conmon writes {@code <id>} files with exit codes
 * @param socketDir where conmon links attach sockets (kept short: unix paths max 108 bytes)
 */
public record RuntimeConfig(String runc, String conmon, Path runcRoot, String cgroupParent, Path exitDir,
    Path socketDir) {

  /**
   * This config with runc and conmon as absolute paths, looked up on PATH once: a bare name
   * would have every container start search PATH again (a failed exec per directory before conmon).
   */
  public RuntimeConfig resolved() {
    return new RuntimeConfig(onPath(runc), onPath(conmon), runcRoot, cgroupParent, exitDir, socketDir);
  }

  private static String onPath(String binary) {
    if (binary.contains("/")) {
      return binary;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, binary);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toAbsolutePath().toString();
      }
    }
    return binary; // not found: the caller's start of it fails and names the package
  }
}
