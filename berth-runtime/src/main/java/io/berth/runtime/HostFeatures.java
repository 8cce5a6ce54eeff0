package io.berth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this host's kernel offers containers, read once from sysfs and the cgroup mounts (as
 * dockerd's sysinfo does): which cgroup limits exist (a limit the kernel lacks is discarded with
 * Docker's warning, never silently), the CPUs and memory nodes a cpuset may use, and whether
 * AppArmor and SELinux are enabled (a profile or label for a module the host lacks is refused).
 *
 * @param cpus CPUs containers may be pinned to, in cpuset list form ("0-3,6")
 * @param mems memory nodes, in the same form
 */
public record HostFeatures(boolean memoryLimit, boolean swapLimit, boolean memorySwappiness,
    boolean memoryReservation, boolean oomKillDisable, boolean pidsLimit, boolean cpuShares, boolean cpuCfs,
    boolean cpuset, String cpus, String mems, boolean blkioWeight, boolean blkioWeightDevice,
    boolean blkioReadBps, boolean blkioWriteBps, boolean blkioReadIops, boolean blkioWriteIops,
    boolean appArmor, boolean selinux, boolean cgroupNamespaces) {

  private static final Path CGROUP = Path.of("/sys/fs/cgroup");
  private static volatile HostFeatures probed;

  /** This host's features, probed on first use. */
  public static HostFeatures get() {
    HostFeatures f = probed;
    if (f == null) {
      f = probe();
      probed = f;
    }
    return f;
  }

  static HostFeatures probe() {
    boolean appArmor = read(Path.of("/sys/module/apparmor/parameters/enabled")).startsWith("Y");
    boolean selinux = Files.exists(Path.of("/sys/fs/selinux/enforce"));
    boolean cgroupns = Files.exists(Path.of("/proc/self/ns/cgroup"));
    String onlineCpus = read(Path.of("/sys/devices/system/cpu/online"));
    String onlineMems = read(Path.of("/sys/devices/system/node/online"));
    if (Files.exists(CGROUP.resolve("cgroup.controllers"))) {
      String controllers = " " + read(CGROUP.resolve("cgroup.controllers")) + " ";
      boolean memory = controllers.contains(" memory ");
      boolean cpu = controllers.contains(" cpu ");
      boolean io = controllers.contains(" io ");
      boolean cpuset = controllers.contains(" cpuset ");
      String cpus = firstNonEmpty(read(CGROUP.resolve("cpuset.cpus.effective")), onlineCpus);
      String mems = firstNonEmpty(read(CGROUP.resolve("cpuset.mems.effective")), onlineMems);
      // cgroup v2 has neither swappiness nor an OOM-killer switch per group
      return new HostFeatures(memory, memory, false, memory, false, controllers.contains(" pids "), cpu, cpu,
          cpuset, cpus, mems, io, io, io, io, io, io, appArmor, selinux, cgroupns);
    }
    Path memory = CGROUP.resolve("memory");
    Path cpu = CGROUP.resolve("cpu");
    Path blkio = CGROUP.resolve("blkio");
    Path cpuset = CGROUP.resolve("cpuset");
    boolean hasCpuset = Files.exists(cpuset.resolve("cpuset.cpus"));
    return new HostFeatures(
        Files.exists(memory.resolve("memory.limit_in_bytes")),
        Files.exists(memory.resolve("memory.memsw.limit_in_bytes")),
        Files.exists(memory.resolve("memory.swappiness")),
        Files.exists(memory.resolve("memory.soft_limit_in_bytes")),
        Files.exists(memory.resolve("memory.oom_control")),
        Files.isDirectory(CGROUP.resolve("pids")),
        Files.exists(cpu.resolve("cpu.shares")),
        Files.exists(cpu.resolve("cpu.cfs_quota_us")),
        hasCpuset,
        hasCpuset ? firstNonEmpty(read(cpuset.resolve("cpuset.cpus")), onlineCpus) : onlineCpus,
        hasCpuset ? firstNonEmpty(read(cpuset.resolve("cpuset.mems")), onlineMems) : onlineMems,
        Files.exists(blkio.resolve("blkio.weight")) || Files.exists(blkio.resolve("blkio.bfq.weight")),
        Files.exists(blkio.resolve("blkio.weight_device")) || Files.exists(blkio.resolve("blkio.bfq.weight_device")),
        Files.exists(blkio.resolve("blkio.throttle.read_bps_device")),
        Files.exists(blkio.resolve("blkio.throttle.write_bps_device")),
        Files.exists(blkio.resolve("blkio.throttle.read_iops_device")),
        Files.exists(blkio.resolve("blkio.throttle.write_iops_device")),
        appArmor, selinux, cgroupns);
  }

  private static String firstNonEmpty(String a, String b) {
    return a.isEmpty() ? b : a;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p).trim();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
