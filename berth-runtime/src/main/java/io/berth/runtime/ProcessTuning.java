package io.berth.runtime;

import java.util.List;
import java.util.Map;

/**
 * A container's process and kernel settings beyond its command, mounts and cgroup limits, as
 * Docker's HostConfig gives them: resource limits ({@code --ulimit}), namespaced sysctls, the
 * size of {@code /dev/shm}, supplementary groups ({@code --group-add}, names from the
 * container's {@code /etc/group}), the OOM score adjustment, host devices, and which PID and
 * IPC namespaces it runs in. Validated by the caller.
 *
 * @param shmSize bytes of /dev/shm; null for Docker's 64 MiB
 * @param devices requests as {@link HostDevices#resolve} takes them, read at each start
 * @param pidNamespace null for its own, "host", or the path of another container's to join
 * @param ipcNamespace null for its own, "host" (with the host's /dev/shm), or "none" (its own,
 *     without /dev/shm)
 * @param utsHost the host's UTS namespace (hostname) instead of its own
 * @param cgroupNamespace a cgroup namespace of its own (CgroupnsMode private) instead of the host's
 */
public record ProcessTuning(List<Rlimit> rlimits, Map<String, String> sysctls, Long shmSize,
    List<String> groupAdd, int oomScoreAdj, List<DeviceRequest> devices, String pidNamespace,
    String ipcNamespace, boolean utsHost, boolean cgroupNamespace) {
  public static final ProcessTuning NONE =
      new ProcessTuning(List.of(), Map.of(), null, List.of(), 0, List.of(), null, null);

  /** Own UTS namespace, the host's cgroup namespace (Docker's default on cgroup v1). */
  public ProcessTuning(List<Rlimit> rlimits, Map<String, String> sysctls, Long shmSize, List<String> groupAdd,
      int oomScoreAdj, List<DeviceRequest> devices, String pidNamespace, String ipcNamespace) {
    this(rlimits, sysctls, shmSize, groupAdd, oomScoreAdj, devices, pidNamespace, ipcNamespace, false, false);
  }

  /** One rlimit; {@code type} as the OCI spec names it, e.g. RLIMIT_NOFILE. */
  public record Rlimit(String type, long soft, long hard) {}

  /** HostConfig.Devices' entry: a host node or directory, where it appears, and its cgroup access. */
  public record DeviceRequest(String pathOnHost, String pathInContainer, String permissions) {}

  public ProcessTuning withPidNamespace(String path) {
    return new ProcessTuning(rlimits, sysctls, shmSize, groupAdd, oomScoreAdj, devices, path, ipcNamespace, utsHost,
        cgroupNamespace);
  }
}
