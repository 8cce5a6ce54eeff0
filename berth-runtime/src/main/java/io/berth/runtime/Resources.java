package io.berth.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * A container's cgroup limits as the OCI spec's {@code linux.resources} and {@code runc update}
 * take them; null means not set (the runtime's default, or: leave as it is, for an update).
 *
 * @param memory bytes; also the memory+swap limit unless {@code memorySwap} says otherwise, so the
 *     OOM killer acts inside the container instead of the container swapping
 * @param memorySwap memory+swap bytes, -1 for unlimited swap
 * @param cpuQuota CFS quota in microseconds per {@code cpuPeriod} ({@code docker run --cpus} is
 *     quota/period), -1 to remove a quota
 * @param pidsLimit -1 for no limit
 */
public record Resources(Long memory, Long memorySwap, Long memoryReservation, Long cpuShares, Long cpuQuota,
    Long cpuPeriod, Long pidsLimit) {
  public static final Resources NONE = new Resources(null, null, null, null, null, null, null);

  /** The memory+swap limit that applies: the given one, or the memory limit (no swap). */
  public Long effectiveSwap() {
    return memorySwap != null ? memorySwap : memory;
  }

  /** {@code runc update} flags for the values set. */
  List<String> updateFlags() {
    List<String> out = new ArrayList<>();
    flag(out, "--memory", memory);
    flag(out, "--memory-swap", memory != null || memorySwap != null ? effectiveSwap() : null);
    flag(out, "--memory-reservation", memoryReservation);
    flag(out, "--cpu-share", cpuShares);
    flag(out, "--cpu-period", cpuPeriod);
    flag(out, "--cpu-quota", cpuQuota);
    flag(out, "--pids-limit", pidsLimit);
    return out;
  }

  private static void flag(List<String> out, String name, Long value) {
    if (value != null) {
      out.add(name);
      out.add(Long.toString(value));
    }
  }
}
