package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.Resources;
import java.util.List;

/**
 * The cgroup limits in a container's HostConfig that Berth applies (Memory, MemorySwap,
 * MemoryReservation, NanoCpus or CpuQuota/CpuPeriod, CpuShares, PidsLimit), turned into the
 * runtime's {@link Resources}, and checked with Docker's rules and words, the same at create and
 * at {@code docker update}.
 */
final class ContainerResources {
  static final long MIN_MEMORY = 6L * 1024 * 1024;
  static final long DEFAULT_CPU_PERIOD = 100_000;

  private ContainerResources() {}

  /** What to give the runtime at start. */
  static Resources of(JsonNode hc) {
    Long memory = positive(hc, "Memory");
    long swap = hc.path("MemorySwap").asLong(0);
    Long pids = positive(hc, "PidsLimit");
    long nano = hc.path("NanoCpus").asLong(0);
    Long quota = positive(hc, "CpuQuota");
    Long period = positive(hc, "CpuPeriod");
    if (nano > 0) {
      period = DEFAULT_CPU_PERIOD;
      quota = nano * DEFAULT_CPU_PERIOD / 1_000_000_000L;
    }
    return new Resources(memory, swap == 0 ? null : swap, positive(hc, "MemoryReservation"), positive(hc, "CpuShares"),
        quota, period, pids);
  }

  /**
   * Docker's checks of the resource fields ({@code update}: the request of a docker update,
   * where Memory may be left out while MemorySwap changes).
   */
  static void validate(JsonNode r, boolean update) {
    long memory = r.path("Memory").asLong(0);
    long swap = r.path("MemorySwap").asLong(0);
    long reservation = r.path("MemoryReservation").asLong(0);
    if (memory < 0) {
      throw new InvalidArgumentException("invalid memory limit: " + memory);
    }
    if (memory != 0 && memory < MIN_MEMORY) {
      throw new InvalidArgumentException("Minimum memory limit allowed is 6MB");
    }
    if (memory > 0 && swap > 0 && swap < memory) {
      throw new InvalidArgumentException("Minimum memoryswap limit should be larger than memory limit, see usage");
    }
    if (memory == 0 && swap > 0 && !update) {
      throw new InvalidArgumentException("You should always set the Memory limit when using Memoryswap limit, see usage");
    }
    if (reservation > 0 && reservation < MIN_MEMORY) {
      throw new InvalidArgumentException("Minimum memory reservation allowed is 6MB");
    }
    if (memory > 0 && reservation > 0 && memory < reservation) {
      throw new InvalidArgumentException("Minimum memory limit can not be less than memory reservation limit, see usage");
    }
    long nano = r.path("NanoCpus").asLong(0);
    long period = r.path("CpuPeriod").asLong(0);
    long quota = r.path("CpuQuota").asLong(0);
    if (nano > 0 && period > 0) {
      throw new InvalidArgumentException("Conflicting options: Nano CPUs and CPU Period cannot both be set");
    }
    if (nano > 0 && quota > 0) {
      throw new InvalidArgumentException("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
    }
    int ncpu = Runtime.getRuntime().availableProcessors();
    if (nano < 0 || nano > ncpu * 1_000_000_000L) {
      throw new InvalidArgumentException("Range of CPUs is from 0.01 to " + ncpu
          + ".00, as there are only " + ncpu + " CPUs available");
    }
    if (period != 0 && (period < 1000 || period > 1_000_000)) {
      throw new InvalidArgumentException(
          "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
    }
    if (quota > 0 && quota < 1000) {
      throw new InvalidArgumentException("CPU cfs quota can not be less than 1ms (i.e. 1000)");
    }
  }

  private static Long positive(JsonNode hc, String field) {
    long v = hc.path(field).asLong(0);
    return v > 0 ? v : null;
  }

  /** Fields of a docker update body that Berth applies; every other one must be unset. */
  static final List<String> UPDATABLE = List.of("Memory", "MemorySwap", "MemoryReservation", "NanoCpus",
      "CpuQuota", "CpuPeriod", "CpuShares", "PidsLimit", "RestartPolicy");
}
