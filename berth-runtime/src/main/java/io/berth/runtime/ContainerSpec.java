package io.berth.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything the runtime needs to turn a prepared root filesystem into a running, isolated
 * process: the OCI runtime spec is generated from this. Values are already validated and
 * resolved by the caller (image defaults merged, names resolved); null means "not set".
 *
 * @param rootfs the mounted overlay root
 * @param netnsPath network namespace to join (null: a fresh one with only loopback; "host": the host's)
 * @param resources cgroup limits
 * @param stdinOnce the container's stdin closes when the first attached client ends its input
 *     (Docker's StdinOnce); otherwise it stays open for the next attach
 * @param init run tini as pid 1 (the host's {@code tini-static} bind-mounted in)
 * @param stopSignal signal name for stop, e.g. SIGTERM
 * @param tuning rlimits, sysctls, /dev/shm size, supplementary groups, OOM score adjustment
 * @param security seccomp, no-new-privileges, AppArmor, masked and read-only paths
 * @param cgroups cpuset, swappiness, OOM-killer switch, block I/O, device cgroup rules
 * @param annotations passed to the runtime as the OCI spec's annotations
 * @param domainname the NIS domain name of its UTS namespace (Config.Domainname); empty for none
 */
public record ContainerSpec(
    String id,
    String name,
    Path rootfs,
    List<String> args,
    List<String> env,
    String workingDir,
    String user,
    String hostname,
    boolean tty,
    boolean openStdin,
    boolean stdinOnce,
    boolean readOnlyRootfs,
    boolean privileged,
    List<String> capAdd,
    List<String> capDrop,
    SecurityProfile security,
    List<MountSpec> mounts,
    Resources resources,
    String netnsPath,
    boolean init,
    Map<String, String> labels,
    String stopSignal,
    ProcessTuning tuning,
    CgroupTuning cgroups,
    Map<String, String> annotations,
    String domainname) {

  /** An OCI mount; {@code type} bind, tmpfs, proc... {@code options} as in the runtime spec. */
  public record MountSpec(String destination, String type, String source, List<String> options) {}
}
