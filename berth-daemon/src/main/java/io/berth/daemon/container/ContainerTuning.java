package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.HostDevices;
import io.berth.runtime.HostFeatures;
import io.berth.runtime.ProcessTuning;
import io.berth.runtime.ProcessTuning.DeviceRequest;
import io.berth.runtime.ProcessTuning.Rlimit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * HostConfig's Ulimits, Sysctls, ShmSize, GroupAdd, OomScoreAdj, Devices, PidMode, IpcMode, UTSMode
 * and CgroupnsMode,
 * checked when a container is created (so a bad value fails there, with dockerd's words, not at
 * start) and turned into the runtime's {@link ProcessTuning} at each start.
 */
final class ContainerTuning {
  /** Resource limits the kernel has (RLIMIT_ names, lower-cased), as Docker accepts them. */
  private static final Set<String> ULIMITS = Set.of("as", "core", "cpu", "data", "fsize", "locks", "memlock",
      "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");
  /** Sysctls the kernel keeps per IPC namespace; the net.* ones are per network namespace. */
  private static final Set<String> IPC_SYSCTLS = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
      "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

  private ContainerTuning() {}

  /** Checks and reads; a PID mode {@code container:NAME} stays as it is until {@link #atStart}. */
  static ProcessTuning of(JsonNode hostConfig) {
    return new ProcessTuning(rlimits(hostConfig.path("Ulimits")), sysctls(hostConfig),
        shmSize(hostConfig.path("ShmSize")), groups(hostConfig.path("GroupAdd")), oomScoreAdj(hostConfig.path("OomScoreAdj")),
        devices(hostConfig.path("Devices")), pidMode(hostConfig.path("PidMode").asText("")),
        ipcMode(hostConfig.path("IpcMode").asText("")), hostConfig.path("UTSMode").asText("").equals("host"),
        // as dockerd: a private cgroup namespace only where the kernel has them (warned at create)
        hostConfig.path("CgroupnsMode").asText("").equals("private") && HostFeatures.get().cgroupNamespaces());
  }

  /** As {@link #of}, with a PID mode {@code container:NAME} turned into that running container's namespace. */
  static ProcessTuning atStart(ProcessTuning t, Function<String, Container> lookup) {
    if (t.pidNamespace() != null && t.pidNamespace().startsWith(JoinedNetwork.PREFIX)) {
      String ref = t.pidNamespace().substring(JoinedNetwork.PREFIX.length());
      Container other = lookup.apply(ref);
      if (!other.state.running() || other.state.pid <= 0) {
        throw new ConflictException("cannot join PID of a non running container: " + ref);
      }
      t = t.withPidNamespace("/proc/" + other.state.pid + "/ns/pid");
    }
    return t;
  }

  private static List<DeviceRequest> devices(JsonNode devices) {
    List<DeviceRequest> out = new ArrayList<>();
    for (JsonNode d : devices) {
      String perms = d.path("CgroupPermissions").asText("");
      DeviceRequest r = new DeviceRequest(d.path("PathOnHost").asText(""), d.path("PathInContainer").asText(""),
          perms.isEmpty() ? "rwm" : perms);
      HostDevices.resolve(r.pathOnHost(), r.pathInContainer(), r.permissions()); // exists, is a device
      out.add(r);
    }
    return out;
  }

  private static String pidMode(String mode) {
    if (mode.isEmpty()) {
      return null;
    }
    if (!mode.equals("host") && !(mode.startsWith(JoinedNetwork.PREFIX) && mode.length() > JoinedNetwork.PREFIX.length())) {
      throw new InvalidArgumentException("invalid PID mode: " + mode);
    }
    return mode;
  }

  private static String ipcMode(String mode) {
    return switch (mode) {
      case "", "private", "shareable" -> null;
      case "host", "none" -> mode;
      default -> throw new InvalidArgumentException(mode.startsWith(JoinedNetwork.PREFIX)
          ? "IPC mode " + mode + " (sharing another container's IPC namespace) is not supported"
          : "invalid IPC mode: " + mode);
    };
  }

  private static List<Rlimit> rlimits(JsonNode ulimits) {
    List<Rlimit> out = new ArrayList<>();
    for (JsonNode u : ulimits) {
      String name = u.path("Name").asText("");
      if (!ULIMITS.contains(name)) {
        throw new InvalidArgumentException("invalid ulimit type: " + name);
      }
      long soft = limit(name, u.path("Soft"));
      long hard = limit(name, u.path("Hard"));
      if (Long.compareUnsigned(soft, hard) > 0) {
        throw new InvalidArgumentException("ulimit soft limit must be less than or equal to hard limit: "
            + Long.toUnsignedString(soft) + " > " + Long.toUnsignedString(hard) + " (ulimit " + name + ")");
      }
      out.add(new Rlimit("RLIMIT_" + name.toUpperCase(Locale.ROOT), soft, hard));
    }
    return out;
  }

  /** A limit as an unsigned 64-bit value; -1 is unlimited, as in Docker. */
  private static long limit(String name, JsonNode v) {
    long l = v.asLong(0);
    if (!v.isIntegralNumber() || l < -1) {
      throw new InvalidArgumentException("invalid ulimit " + name + " value " + v + ": a number >= 0, or -1 for unlimited");
    }
    return l;
  }

  private static Map<String, String> sysctls(JsonNode hostConfig) {
    Map<String, String> out = new LinkedHashMap<>();
    boolean hostNet = hostConfig.path("NetworkMode").asText("").equals("host");
    for (var it = hostConfig.path("Sysctls").fields(); it.hasNext(); ) {
      var e = it.next();
      String k = e.getKey();
      boolean net = k.startsWith("net.");
      if (!net && !IPC_SYSCTLS.contains(k) && !k.startsWith("fs.mqueue.")) {
        throw new InvalidArgumentException("sysctl '" + k + "' is not allowed: only namespaced sysctls"
            + " (net.*, fs.mqueue.*, kernel.msg*, kernel.sem, kernel.shm*) can be set for a container");
      }
      if (net && hostNet) {
        throw new InvalidArgumentException("sysctl '" + k + "' not allowed in hostnetwork mode");
      }
      out.put(k, e.getValue().asText());
    }
    return out;
  }

  private static Long shmSize(JsonNode v) {
    long size = v.asLong(0);
    if (size < 0) {
      throw new InvalidArgumentException("SHM size can not be less than 0");
    }
    return size == 0 ? null : size;
  }

  private static List<String> groups(JsonNode groupAdd) {
    List<String> out = new ArrayList<>();
    for (JsonNode g : groupAdd) {
      if (g.asText("").isBlank()) {
        throw new InvalidArgumentException("invalid group in GroupAdd: empty name");
      }
      out.add(g.asText());
    }
    return out;
  }

  private static int oomScoreAdj(JsonNode v) {
    int adj = v.asInt(0);
    if (adj < -1000 || adj > 1000) {
      throw new InvalidArgumentException("Invalid value " + adj + ", range for oom score adj is [-1000, 1000]");
    }
    return adj;
  }
}
