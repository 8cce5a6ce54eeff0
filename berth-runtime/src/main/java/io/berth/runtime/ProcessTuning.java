package io.berth.runtime;

import java.util.List;
import java.util.Map;

/**
 * A container's process and kernel settings beyond its command and cgroup limits, as Docker's
 * HostConfig gives them: resource limits ({@code --ulimit}), namespaced sysctls, the size of
 * {@code /dev/shm}, supplementary groups ({@code --group-add}, names from the container's
 * {@code /etc/group}) and the OOM score adjustment. Validated by the caller.
 *
 * @param shmSize bytes of /dev/shm; null for Docker's 64 MiB
 */
public record ProcessTuning(List<Rlimit> rlimits, Map<String, String> sysctls, Long shmSize,
    List<String> groupAdd, int oomScoreAdj) {
  public static final ProcessTuning NONE = new ProcessTuning(List.of(), Map.of(), null, List.of(), 0);

  /** One rlimit; {@code type} as the OCI spec names it, e.g. RLIMIT_NOFILE. */
  public record Rlimit(String type, long soft, long hard) {}
}
