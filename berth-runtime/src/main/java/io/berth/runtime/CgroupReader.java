package io.berth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a container's resource usage from its cgroups (v1 controllers as on hybrid hosts, or
 * the unified v2 hierarchy), for stats and for telling an OOM kill from any other SIGKILL. Network
 * counters come from the network namespace of the cgroup's first process, as dockerd reads them
 * from the container's sandbox.
 */
final class CgroupReader {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
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
   * {@code full}: also the page cache (memory.stat), the pids limit and the host's CPU time, which
   * {@code docker stats} shows; metrics leave them out (0, -1), a third fewer reads per container.
   */
  ContainerRuntime.Stats stats(String id, boolean full) {
    long memUsage;
    long memLimit;
    long cache;
    long cpu;
    long pids;
    long pidsMax;
    long[] block;
    Path procs;
    if (v2) {
      Path d = v2dir(id);
      memUsage = num(d.resolve("memory.current"));
      memLimit = num(d.resolve("memory.max"));
      cache = full ? field(d.resolve("memory.stat"), "file") : 0;
      cpu = field(d.resolve("cpu.stat"), "usage_usec") * 1000;
      pids = num(d.resolve("pids.current"));
      pidsMax = full ? num(d.resolve("pids.max")) : -1;
      block = ioStatV2(d.resolve("io.stat"));
      procs = d.resolve("cgroup.procs");
    } else {
      memUsage = num(v1("memory", id).resolve("memory.usage_in_bytes"));
      memLimit = num(v1("memory", id).resolve("memory.limit_in_bytes"));
      cache = full ? field(v1("memory", id).resolve("memory.stat"), "total_inactive_file") : 0;
      cpu = num(v1("cpuacct", id).resolve("cpuacct.usage"));
      pids = num(v1("pids", id).resolve("pids.current"));
      pidsMax = full ? num(v1("pids", id).resolve("pids.max")) : -1;
      block = ioStatV1(v1("blkio", id).resolve("blkio.throttle.io_service_bytes"));
      procs = v1("pids", id).resolve("cgroup.procs");
    }
    long[] net = network(procs);
    long hostMem = HostMemory.TOTAL;
    if (memLimit <= 0 || memLimit > hostMem) {
      memLimit = hostMem;
    }
    return new ContainerRuntime.Stats(Math.max(0, memUsage), memLimit, Math.max(0, cache), Math.max(0, cpu),
        full ? systemCpuNanos() : 0, Runtime.getRuntime().availableProcessors(), Math.max(0, pids), pidsMax,
        net[0], net[1], block[0], block[1]);
  }

  /** Bytes read and written, from v1's {@code 8:0 Read 4096} lines (per device; "Total" skipped). */
  static long[] ioStatV1(Path file) {
    long[] rw = new long[2];
    for (String line : lines(file)) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 3 && (f[1].equals("Read") || f[1].equals("Write"))) {
        rw[f[1].equals("Read") ? 0 : 1] += parse(f[2]);
      }
    }
    return rw;
  }

  /** Bytes read and written, from v2's {@code 8:0 rbytes=4096 wbytes=0 ...} lines. */
  static long[] ioStatV2(Path file) {
    long[] rw = new long[2];
    for (String line : lines(file)) {
      for (String kv : line.trim().split("\\s+")) {
        if (kv.startsWith("rbytes=")) {
          rw[0] += parse(kv.substring(7));
        } else if (kv.startsWith("wbytes=")) {
          rw[1] += parse(kv.substring(7));
        }
      }
    }
    return rw;
  }

  /** Received and sent bytes of every interface but loopback in the namespace of the cgroup's first process. */
  private static long[] network(Path procs) {
    List<String> pids = lines(procs);
    return pids.isEmpty() ? new long[2] : netDev(Path.of("/proc", pids.getFirst().trim(), "net", "dev"));
  }

  /** Sums {@code /proc/PID/net/dev}: after {@code iface:}, field 0 is received bytes and field 8 sent bytes. */
  static long[] netDev(Path file) {
    long[] rxTx = new long[2];
    for (String line : lines(file)) {
      int colon = line.indexOf(':');
      if (colon < 0 || line.substring(0, colon).trim().equals("lo")) {
        continue;
      }
      String[] f = line.substring(colon + 1).trim().split("\\s+");
      if (f.length >= 9) {
        rxTx[0] += parse(f[0]);
        rxTx[1] += parse(f[8]);
      }
    }
    return rxTx;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of(); // the container just stopped, or the controller is not mounted: nothing to count
    }
  }

  private static long parse(String n) {
    try {
      return Long.parseLong(n);
    } catch (NumberFormatException e) {
      return 0;
    }
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

  /** Host CPU time in nanoseconds since boot, from /proc/stat (clock ticks of 10 ms). */
  private static long systemCpuNanos() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).getFirst();
      long ticks = 0;
      String[] f = first.trim().split("\\s+");
      for (int i = 1; i < Math.min(f.length, 8); i++) {
        ticks += Long.parseLong(f[i]);
      }
      return ticks * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
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
