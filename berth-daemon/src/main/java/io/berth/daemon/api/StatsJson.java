package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerStreams;
import io.berth.runtime.RuntimeResources.Stats;
import java.math.BigInteger;
import java.util.List;

/**
 * Docker's body of {@code GET /containers/{id}/stats} (moby's StatsResponse on Linux) from two
 * readings: which fields it fills on cgroup v1 and v2, which it leaves out when zero
 * ({@code omitempty}) and which it always sends, so that the docker CLI's NET I/O, BLOCK I/O,
 * CPU % and MEM USAGE columns come out as they do against dockerd.
 */
final class StatsJson {
  /** The blkio lists only v1's CFQ scheduler filled; Docker sends them empty on v1 and null on v2. */
  private static final List<String> OTHER_BLKIO = List.of("io_queue_recursive", "io_service_time_recursive",
      "io_wait_time_recursive", "io_merged_recursive", "io_time_recursive", "sectors_recursive");

  private StatsJson() {}

  /** This reading, with the previous one's CPU figures as precpu_stats. */
  static ObjectNode of(Container c, ContainerStreams.StatsSample previous, ContainerStreams.StatsSample now) {
    ObjectNode o = Json.object();
    o.put("read", now.read().toString());
    o.put("preread", previous == null ? "0001-01-01T00:00:00Z" : previous.read().toString());
    o.put("name", "/" + c.name);
    o.put("id", c.id);
    Stats st = now.stats().orElse(null);
    ObjectNode pids = o.putObject("pids_stats");
    if (st != null && st.pids() > 0) {
      pids.put("current", st.pids());
    }
    if (st != null && st.pidsLimit() > 0) {
      pids.put("limit", st.pidsLimit());
    }
    o.set("blkio_stats", blkio(st));
    o.put("num_procs", 0); // Docker fills it on Windows only; 0 on Linux
    o.putObject("storage_stats"); // Windows only as well: Docker sends it empty on Linux
    o.set("cpu_stats", cpu(st));
    o.set("precpu_stats", cpu(previous == null ? null : previous.stats().orElse(null)));
    o.set("memory_stats", memory(st));
    if (st != null && !st.networks().isEmpty()) {
      ObjectNode nets = o.putObject("networks");
      for (Stats.NetInterface n : st.networks()) {
        nets.putObject(n.name()).put("rx_bytes", n.rxBytes()).put("rx_packets", n.rxPackets())
            .put("rx_errors", n.rxErrors()).put("rx_dropped", n.rxDropped()).put("tx_bytes", n.txBytes())
            .put("tx_packets", n.txPackets()).put("tx_errors", n.txErrors()).put("tx_dropped", n.txDropped());
      }
    }
    return o;
  }

  /** cpu_stats, also sent (zeros) when there is no reading, as Docker sends its empty struct. */
  private static ObjectNode cpu(Stats st) {
    ObjectNode cpu = Json.object();
    Stats.Cpu c = st == null ? new Stats.Cpu(0, 0, 0, List.of(), 0, 0, Stats.Throttling.NONE) : st.cpu();
    ObjectNode usage = cpu.putObject("cpu_usage").put("total_usage", c.totalNanos());
    if (!c.perCpuNanos().isEmpty()) {
      ArrayNode per = usage.putArray("percpu_usage");
      c.perCpuNanos().forEach(per::add);
    }
    usage.put("usage_in_kernelmode", c.kernelNanos()).put("usage_in_usermode", c.userNanos());
    if (c.systemNanos() > 0) {
      cpu.put("system_cpu_usage", c.systemNanos());
    }
    if (c.onlineCpus() > 0) {
      cpu.put("online_cpus", c.onlineCpus());
    }
    cpu.putObject("throttling_data").put("periods", c.throttling().periods())
        .put("throttled_periods", c.throttling().throttledPeriods())
        .put("throttled_time", c.throttling().throttledNanos());
    return cpu;
  }

  private static ObjectNode memory(Stats st) {
    ObjectNode mem = Json.object();
    if (st == null) {
      return mem;
    }
    Stats.Memory m = st.memory();
    positive(mem, "usage", m.usage());
    positive(mem, "max_usage", m.maxUsage());
    if (!m.stat().isEmpty()) {
      ObjectNode stats = mem.putObject("stats");
      // memory.stat counters are unsigned 64-bit (v1's hierarchical_memsw_limit can be 2^64-1)
      m.stat().forEach((k, v) -> stats.put(k, v >= 0 ? BigInteger.valueOf(v) : new BigInteger(Long.toUnsignedString(v))));
    }
    positive(mem, "failcnt", m.failcnt());
    positive(mem, "limit", m.limit());
    return mem;
  }

  /**
   * v1: io_service_bytes and io_serviced per device and op as the kernel spells them, the other
   * lists empty; v2: io_service_bytes with a "read" and a "write" entry per device (null when there
   * is no device), every other list null.
   */
  private static ObjectNode blkio(Stats st) {
    ObjectNode b = Json.object();
    boolean v1 = st != null && st.blkio().cgroupV1();
    entries(b, "io_service_bytes_recursive", st == null ? List.of() : st.blkio().serviceBytes(), v1);
    entries(b, "io_serviced_recursive", st == null ? List.of() : st.blkio().serviced(), v1);
    for (String name : OTHER_BLKIO) {
      entries(b, name, List.of(), v1);
    }
    return b;
  }

  private static void entries(ObjectNode b, String name, List<Stats.BlkioEntry> list, boolean emptyAsArray) {
    if (list.isEmpty() && !emptyAsArray) {
      b.putNull(name);
      return;
    }
    ArrayNode a = b.putArray(name);
    for (Stats.BlkioEntry e : list) {
      a.addObject().put("major", e.major()).put("minor", e.minor()).put("op", e.op()).put("value", e.value());
    }
  }

  private static void positive(ObjectNode o, String name, long value) {
    if (value > 0) {
      o.put(name, value);
    }
  }
}
