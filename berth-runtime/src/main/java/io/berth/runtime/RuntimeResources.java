package io.berth.runtime;

import java.util.List;
import java.util.Map;

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
   * The totals only, cheaper to read for many containers at once (metrics): memory.stat is left
   * empty, the host's CPU time 0, the pids limit -1, and on cgroup v1 the CPU split, throttling
   * and I/O counts (files of their own there) are left out.
   */
  default Stats usage(String id) {
    return stats(id);
  }

  /**
   * Usage figures as Docker's stats endpoint reports them (cgroup v1 or v2), grouped as its body is.
   *
   * @param networks the interfaces of the container's network namespace but loopback; empty when
   *     the container uses the host's namespace (Docker reports no networks then)
   */
  record Stats(Memory memory, Cpu cpu, long pids, long pidsLimit, List<NetInterface> networks, Blkio blkio) {

    public long netRxBytes() {
      return networks.stream().mapToLong(NetInterface::rxBytes).sum();
    }

    public long netTxBytes() {
      return networks.stream().mapToLong(NetInterface::txBytes).sum();
    }

    /** Bytes read, as the docker CLI adds them up: every entry whose op starts with r (v1 "Read", v2 "read"). */
    public long blockReadBytes() {
      return blkio.bytes('r');
    }

    public long blockWriteBytes() {
      return blkio.bytes('w');
    }

    /**
     * @param maxUsage memory.max_usage_in_bytes (v1), -1 where the hierarchy has none (v2) or not read
     * @param failcnt memory.failcnt (v1) or the oom count of memory.events (v2), -1 when not read
     * @param stat memory.stat as the kernel writes it (empty when not read)
     */
    public record Memory(long usage, long limit, long maxUsage, long failcnt, Map<String, Long> stat) {
      /** The page cache the docker CLI takes off the usage: total_inactive_file (v1) or inactive_file (v2). */
      public long inactiveFile() {
        Long v = stat.containsKey("total_inactive_file") ? stat.get("total_inactive_file") : stat.get("inactive_file");
        return v == null ? 0 : v;
      }
    }

    /**
     * CPU time in nanoseconds.
     *
     * @param perCpuNanos cpuacct.usage_percpu (v1 only; v2 has no per-CPU figures, Docker leaves them out)
     * @param systemNanos the host's CPU time since boot (0 when not read)
     * @param onlineCpus the host's CPUs listed in /proc/stat (0 when not read)
     */
    public record Cpu(long totalNanos, long userNanos, long kernelNanos, List<Long> perCpuNanos, long systemNanos,
        int onlineCpus, Throttling throttling) {}

    /** CFS quota enforcement: periods elapsed, periods throttled, time throttled (ns). */
    public record Throttling(long periods, long throttledPeriods, long throttledNanos) {
      public static final Throttling NONE = new Throttling(0, 0, 0);
    }

    /** One interface's counters from /proc/PID/net/dev. */
    public record NetInterface(String name, long rxBytes, long rxPackets, long rxErrors, long rxDropped,
        long txBytes, long txPackets, long txErrors, long txDropped) {}

    /** One per-device figure of blkio_stats: op as Docker spells it ("Read"/"Write"/"Sync"... on v1, "read"/"write" on v2). */
    public record BlkioEntry(long major, long minor, String op, long value) {}

    /**
     * Block I/O per device.
     *
     * @param cgroupV1 v1 fills io_service_bytes and io_serviced (and Docker sends its other lists
     *     empty); v2 fills only io_service_bytes (Docker sends the other lists null)
     * @param serviced io_serviced entries (v1; empty on v2, or when not read)
     */
    public record Blkio(boolean cgroupV1, List<BlkioEntry> serviceBytes, List<BlkioEntry> serviced) {
      long bytes(char op) {
        return serviceBytes.stream().filter(e -> !e.op().isEmpty() && Character.toLowerCase(e.op().charAt(0)) == op)
            .mapToLong(BlkioEntry::value).sum();
      }
    }
  }
}
