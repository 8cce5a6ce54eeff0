package io.berth.runtime;

import java.util.List;

/**
 * A container's cgroup settings beyond the limits {@code docker update} changes ({@link
 * Resources}): the CPUs and memory nodes it may use, swappiness, the OOM-killer switch, block
 * I/O weights and throttles, and extra device cgroup rules; as the OCI spec's
 * {@code linux.resources} takes them. Validated by the caller; null or empty means not set.
 *
 * @param cpusetCpus cpuset list form, e.g. "0-2,4"
 * @param memorySwappiness 0-100
 * @param blkioWeight 10-1000
 * @param deviceRules {@code --device-cgroup-rule} entries as parsed from "c 1:3 rwm"
 */
public record CgroupTuning(String cpusetCpus, String cpusetMems, Long memorySwappiness, boolean oomKillDisable,
    Integer blkioWeight, List<DeviceWeight> weightDevices, List<Throttle> readBps, List<Throttle> writeBps,
    List<Throttle> readIops, List<Throttle> writeIops, List<DeviceRule> deviceRules) {
  public static final CgroupTuning NONE = new CgroupTuning(null, null, null, false, null, List.of(), List.of(),
      List.of(), List.of(), List.of(), List.of());

  /** A block device's weight (major:minor read from the host's node). */
  public record DeviceWeight(long major, long minor, int weight) {}

  /** A block device's bytes or operations per second. */
  public record Throttle(long major, long minor, long rate) {}

  /** One device cgroup rule; a null major or minor is the wildcard '*'. */
  public record DeviceRule(String type, Long major, Long minor, String access) {}
}
