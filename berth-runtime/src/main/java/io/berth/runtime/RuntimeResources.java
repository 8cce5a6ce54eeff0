package io.berth.runtime;

import java.util.List;

/**
 * A running container's resources: changing its cgroup limits and reading what it uses
 * ({@code docker update}, {@code docker stats}, {@code docker top}).
 */
public interface RuntimeResources {

  /** Changes the cgroup limits of a running (or paused) container ({@code runc update}); null fields stay. */
  void update(String id, Resources resources);

  /** Processes in the container, as {@code ps -ef} columns (UID PID PPID C STIME TTY TIME CMD). */
  List<List<String>> top(String id, List<String> psArgs);

  /** A snapshot of resource usage from the container's cgroups. */
  Stats stats(String id);

  /**
   * The container's own figures only, cheaper to read for many containers at once (metrics): the
   * page cache and the host's CPU time are left 0, the pids limit -1.
   */
  default Stats usage(String id) {
    return stats(id);
  }

  /** Usage figures as Docker's stats endpoint reports them (cgroup v1 or v2). */
  record Stats(
      long memoryUsage,
      long memoryLimit,
      long memoryCache,
      long cpuTotalNanos,
      long systemCpuNanos,
      int onlineCpus,
      long pids,
      long pidsLimit,
      long netRxBytes,
      long netTxBytes,
      long blockReadBytes,
      long blockWriteBytes) {}
}
