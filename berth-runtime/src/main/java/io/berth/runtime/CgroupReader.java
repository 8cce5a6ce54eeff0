package io.berth.runtime;

import io.berth.runtime.RuntimeResources.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads a container's resource usage from its cgroups (v1 controllers as on hybrid hosts, or
 * the unified v2 hierarchy), for stats and for telling an OOM kill from any other SIGKILL. Network
 * counters come from the network namespace of the cgroup's first process, as dockerd reads them
 * from the container's sandbox.
 */
final class CgroupReader {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  /** USER_HZ is 100 on Linux: cpuacct.stat and /proc/stat count in 10 ms ticks. */
  private static final long NANOS_PER_TICK = 10_000_000L;
  private final String parent;
  private final boolean v2 = Files.exists(ROOT.resolve("cgroup.controllers"));

  CgroupReader(String parent) {
    this.parent = parent;
  }

  private Path v1(String controller, String id) {
    return ROOT.resolve(controller).resolve(parent).resolve(id);
  }

  private Path v2dir(String id) {
    return ROOT.resolve(parent).resolve(id);
  }

  ContainerRuntime.Stats stats(String id) {
    return stats(id, true);
  }

  /**
   * {@code full}: also what only {@code docker stats} shows (memory.stat, the pids limit, the
   * host's CPU time, and on v1 the user/system split, per-CPU time, throttling and I/O counts,
   * each a file of its own there); metrics leave them out (empty, -1, 0), reading under half the
   * files per container.
   */
  ContainerRuntime.Stats stats(String id, boolean full) {
    Stats.Memory memory;
    Stats.Cpu cpu;
    long pids;
    long pidsMax;
    Stats.Blkio blkio;
    Path procs;
    long[] host = full ? hostCpu() : new long[2];
    if (v2) {
      Path d = v2dir(id);
      memory = new Stats.Memory(Math.max(0, num(d.resolve("memory.current"))), limit(num(d.resolve("memory.max"))), -1,
          full ? StatFiles.flat(d.resolve("memory.events")).getOrDefault("oom", 0L) : -1,
          full ? StatFiles.flat(d.resolve("memory.stat")) : Map.of());
      Map<String, Long> cs = StatFiles.flat(d.resolve("cpu.stat"));
      cpu = new Stats.Cpu(usec(cs, "usage_usec"), usec(cs, "user_usec"), usec(cs, "system_usec"), List.of(),
          host[0], (int) host[1], new Stats.Throttling(cs.getOrDefault("nr_periods", 0L),
              cs.getOrDefault("nr_throttled", 0L), usec(cs, "throttled_usec")));
      pids = num(d.resolve("pids.current"));
      pidsMax = full ? num(d.resolve("pids.max")) : -1;
      blkio = new Stats.Blkio(false, StatFiles.ioStatV2(d.resolve("io.stat")), List.of());
      procs = d.resolve("cgroup.procs");
    } else {
      Path mem = v1("memory", id);
      memory = new Stats.Memory(Math.max(0, num(mem.resolve("memory.usage_in_bytes"))), limit(num(mem.resolve("memory.limit_in_bytes"))),
          full ? num(mem.resolve("memory.max_usage_in_bytes")) : -1, full ? num(mem.resolve("memory.failcnt")) : -1,
          full ? StatFiles.flat(mem.resolve("memory.stat")) : Map.of());
      cpu = cpuV1(id, full, host);
      pids = num(v1("pids", id).resolve("pids.current"));
      pidsMax = full ? num(v1("pids", id).resolve("pids.max")) : -1;
      Path b = v1("blkio", id);
      blkio = new Stats.Blkio(true, StatFiles.blkioV1(b.resolve("blkio.throttle.io_service_bytes")),
          full ? StatFiles.blkioV1(b.resolve("blkio.throttle.io_serviced")) : List.of());
      procs = v1("pids", id).resolve("cgroup.procs");
    }
    return new Stats(memory, cpu, Math.max(0, pids), pidsMax, network(procs), blkio);
  }

  /** v1: cpuacct.usage always; its user/system split (clock ticks), per-CPU time and cpu.stat's throttling when full. */
  private Stats.Cpu cpuV1(String id, boolean full, long[] host) {
    Path acct = v1("cpuacct", id);
    long total = Math.max(0, num(acct.resolve("cpuacct.usage")));
    if (!full) {
      return new Stats.Cpu(total, 0, 0, List.of(), 0, 0, Stats.Throttling.NONE);
    }
    Map<String, Long> ticks = StatFiles.flat(acct.resolve("cpuacct.stat"));
    Map<String, Long> cs = StatFiles.flat(v1("cpu", id).resolve("cpu.stat"));
    return new Stats.Cpu(total, ticks.getOrDefault("user", 0L) * NANOS_PER_TICK,
        ticks.getOrDefault("system", 0L) * NANOS_PER_TICK, StatFiles.perCpu(acct.resolve("cpuacct.usage_percpu")),
        host[0], (int) host[1], new Stats.Throttling(cs.getOrDefault("nr_periods", 0L),
            cs.getOrDefault("nr_throttled", 0L), cs.getOrDefault("throttled_time", 0L)));
  }

  private static long usec(Map<String, Long> cpuStat, String key) {
    return cpuStat.getOrDefault(key, 0L) * 1000;
  }

  /** No limit (or one above the host's memory) reads as the host's memory, as Docker reports it. */
  private static long limit(long memLimit) {
    long hostMem = HostMemory.TOTAL;
    return memLimit <= 0 || memLimit > hostMem ? hostMem : memLimit;
  }

  /**
   * The interfaces of the namespace of the cgroup's first process; none when that namespace is
   * the host's ({@code --network host}, or joined to a container that has it), where Docker reports
   * no networks rather than the host's.
   */
  private static List<Stats.NetInterface> network(Path procs) {
    List<String> pids = StatFiles.lines(procs);
    if (pids.isEmpty()) {
      return List.of();
    }
    Path proc = Path.of("/proc", pids.getFirst().trim());
    try {
      if (Files.readSymbolicLink(proc.resolve("ns/net")).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")))) {
        return List.of();
      }
    } catch (IOException | UnsupportedOperationException e) {
      return List.of(); // the process has exited
    }
    return StatFiles.netDev(proc.resolve("net/dev"));
  }

  boolean oomKilled(String id) {
    Path f = v2 ? v2dir(id).resolve("memory.events") : v1("memory", id).resolve("memory.oom_control");
    return field(f, "oom_kill") > 0;
  }

  /** The host's memory, read once: MemTotal does not change while berthd runs. */
  private static final class HostMemory {
    static final long TOTAL = hostMemory();
  }

  private static long hostMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException ignored) {
      // fall through
    }
    return Long.MAX_VALUE;
  }

  /**
   * The host's CPU time in nanoseconds since boot (the first seven columns of /proc/stat's
   * {@code cpu} line, clock ticks of 10 ms) and its CPUs (the {@code cpuN} lines), as Docker reads
   * system_cpu_usage and online_cpus.
   */
  private static long[] hostCpu() {
    long ticks = 0;
    long cpus = 0;
    for (String line : StatFiles.lines(Path.of("/proc/stat"))) {
      if (!line.startsWith("cpu")) {
        break;
      }
      String[] f = line.trim().split("\\s+");
      if (f[0].equals("cpu")) {
        for (int i = 1; i < Math.min(f.length, 8); i++) {
          ticks += StatFiles.parse(f[i]);
        }
      } else {
        cpus++;
      }
    }
    return new long[] {ticks * NANOS_PER_TICK, cpus};
  }

  private static long num(Path p) {
    try {
      String s = Files.readString(p).trim();
      return s.equals("max") ? -1 : Long.parseLong(s);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static long field(Path p, String name) {
    try {
      for (String line : Files.readAllLines(p)) {
        if (line.startsWith(name) && line.length() > name.length() && line.charAt(name.length()) == ' ') {
          return Long.parseLong(line.substring(name.length() + 1).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return 0;
  }
}
