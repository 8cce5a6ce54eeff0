package io.berth.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes what runc keeps for a container whose process has exited — its cgroup directories
 * (from runc's {@code state.json}) and its state directory — as {@code runc delete} does for a
 * stopped container, without starting runc: one process less after every exit, on the path of
 * {@code docker run --rm} (decision 0018). Anything unexpected (no state, a live init, a cgroup
 * that will not go) returns false and the caller runs {@code runc delete --force}.
 */
final class StoppedContainerCleanup {
  private static final int TRIES = 5;

  private StoppedContainerCleanup() {}

  static boolean remove(Path runcStateDir, ObjectMapper mapper) {
    Path state = runcStateDir.resolve("state.json");
    try {
      JsonNode s = mapper.readTree(state.toFile());
      int pid = s.path("init_process_pid").asInt(0);
      if (pid <= 0 || Files.exists(Path.of("/proc", Integer.toString(pid)))
          && sameStart(pid, s.path("init_process_start").asText(""))) {
        return false; // the process is still there: runc delete --force kills it first
      }
      for (Iterator<JsonNode> it = s.path("cgroup_paths").elements(); it.hasNext(); ) {
        removeCgroup(Path.of(it.next().asText()));
      }
      deleteTree(runcStateDir);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The pid names the same process when its start time (field 22 of stat) is the one runc saw. */
  private static boolean sameStart(int pid, String start) throws IOException {
    try {
      String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return f.length > 19 && f[19].equals(start);
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** rmdir from the leaves up; a cgroup whose last task is still being reaped is busy for a moment. */
  private static void removeCgroup(Path dir) throws IOException {
    try {
      // the usual case, a leaf: one rmdir, not a walk that stats each of its ~60 interface files
      Files.deleteIfExists(dir);
      return;
    } catch (FileSystemException e) {
      // children (the container made cgroups of its own) or a task still being reaped: below
    }
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> dirs;
    try (Stream<Path> s = Files.walk(dir)) {
      dirs = s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
    }
    for (Path d : dirs) {
      for (int i = 0; ; i++) {
        try {
          Files.deleteIfExists(d);
          break;
        } catch (FileSystemException e) {
          if (i + 1 >= TRIES) {
            throw e;
          }
          sleep(10L << i);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
