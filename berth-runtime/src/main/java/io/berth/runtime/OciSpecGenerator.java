package io.berth.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a {@link ContainerSpec} into an OCI runtime spec ({@code config.json}) with Docker's
 * defaults: its capability set, masked and read-only {@code /proc} paths, default mounts and
 * devices, the default seccomp profile, and cgroup limits (memory also caps swap so the OOM
 * killer acts inside the container).
 */
public final class OciSpecGenerator {
  static final List<String> DEFAULT_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
      "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP",
      "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
  static final List<String> ALL_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
      "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
      "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
      "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
      "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
      "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
      "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
      "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
      "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");
  static final List<String> MASKED = List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
      "/sys/firmware", "/sys/devices/virtual/powercap");
  static final List<String> READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
      "/proc/sysrq-trigger");
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  static final String INIT_PATH = "/sbin/docker-init";

  private final ObjectMapper mapper;
  private final String cgroupParent;
  private final String initBinary;

  public OciSpecGenerator(ObjectMapper mapper, String cgroupParent, String initBinary) {
    this.mapper = mapper;
    this.cgroupParent = cgroupParent;
    this.initBinary = initBinary;
  }

  public ObjectNode generate(ContainerSpec s) {
    ObjectNode root = mapper.createObjectNode();
    root.put("ociVersion", "1.0.2");
    UserResolver.User user = UserResolver.resolve(s.rootfs(), s.user());
    Set<String> caps = capabilities(s);
    root.set("process", process(s, user, caps));
    root.putObject("root").put("path", s.rootfs().toAbsolutePath().toString()).put("readonly", s.readOnlyRootfs());
    root.put("hostname", s.hostname());
    root.set("mounts", mounts(s));
    ObjectNode linux = root.putObject("linux");
    ArrayNode ns = linux.putArray("namespaces");
    ProcessTuning t = tuning(s);
    if (t.pidNamespace() == null) {
      ns.addObject().put("type", "pid");
    } else if (!t.pidNamespace().equals("host")) {
      ns.addObject().put("type", "pid").put("path", t.pidNamespace());
    }
    if (!"host".equals(t.ipcNamespace())) {
      ns.addObject().put("type", "ipc");
    }
    for (String type : List.of("uts", "mount")) {
      ns.addObject().put("type", type);
    }
    if (s.netnsPath() == null) {
      ns.addObject().put("type", "network");
    } else if (!s.netnsPath().equals("host")) {
      ns.addObject().put("type", "network").put("path", s.netnsPath());
    }
    linux.put("cgroupsPath", "/" + cgroupParent + "/" + s.id());
    linux.set("resources", resources(s));
    devices(linux, t.devices());
    if (!tuning(s).sysctls().isEmpty()) {
      ObjectNode sysctl = linux.putObject("sysctl");
      tuning(s).sysctls().forEach(sysctl::put);
    }
    if (!s.privileged()) {
      ArrayNode masked = linux.putArray("maskedPaths");
      MASKED.forEach(masked::add);
      ArrayNode ro = linux.putArray("readonlyPaths");
      READONLY.forEach(ro::add);
      if (!s.securityOpt().contains("seccomp=unconfined") && !s.securityOpt().contains("seccomp:unconfined")) {
        linux.set("seccomp", SeccompProfile.build(mapper, caps));
      }
    }
    return root;
  }

  private ObjectNode process(ContainerSpec s, UserResolver.User user, Set<String> caps) {
    ObjectNode p = mapper.createObjectNode();
    p.put("terminal", s.tty());
    ObjectNode u = p.putObject("user");
    u.put("uid", user.uid());
    u.put("gid", user.gid());
    Set<Integer> gids = new LinkedHashSet<>(user.additionalGids());
    for (String g : tuning(s).groupAdd()) {
      gids.add(UserResolver.group(s.rootfs(), g));
    }
    if (!gids.isEmpty()) {
      ArrayNode g = u.putArray("additionalGids");
      gids.forEach(g::add);
    }
    ArrayNode args = p.putArray("args");
    if (s.init()) {
      args.add(INIT_PATH).add("--");
    }
    s.args().forEach(args::add);
    p.set("env", env(s.env(), s.hostname(), user.home(), s.tty()));
    p.put("cwd", s.workingDir() == null || s.workingDir().isEmpty() ? "/" : s.workingDir());
    ObjectNode c = p.putObject("capabilities");
    ArrayNode all = mapper.createArrayNode();
    caps.forEach(all::add);
    c.set("bounding", all.deepCopy());
    c.set("effective", user.uid() == 0 ? all.deepCopy() : mapper.createArrayNode());
    c.set("permitted", user.uid() == 0 ? all.deepCopy() : mapper.createArrayNode());
    boolean nnp = s.securityOpt().stream().anyMatch(o -> o.equals("no-new-privileges")
        || o.equals("no-new-privileges:true") || o.equals("no-new-privileges=true"));
    p.put("noNewPrivileges", nnp);
    if (!s.privileged()) {
      p.put("apparmorProfile", "");
    }
    p.put("oomScoreAdj", tuning(s).oomScoreAdj());
    if (!tuning(s).rlimits().isEmpty()) {
      ArrayNode rl = p.putArray("rlimits");
      for (ProcessTuning.Rlimit r : tuning(s).rlimits()) {
        // unsigned in the spec: -1 (unlimited) is 2^64-1
        rl.addObject().put("type", r.type())
            .put("hard", new java.math.BigInteger(Long.toUnsignedString(r.hard())))
            .put("soft", new java.math.BigInteger(Long.toUnsignedString(r.soft())));
      }
    }
    return p;
  }

  /** The host devices asked for: their nodes in the container, and cgroup rules letting them through. */
  private static void devices(ObjectNode linux, List<ProcessTuning.DeviceRequest> requests) {
    if (requests.isEmpty()) {
      return;
    }
    ArrayNode nodes = linux.putArray("devices");
    ArrayNode rules = (ArrayNode) linux.path("resources").path("devices");
    for (ProcessTuning.DeviceRequest r : requests) {
      for (HostDevices.Node n : HostDevices.resolve(r.pathOnHost(), r.pathInContainer(), r.permissions())) {
        nodes.addObject().put("path", n.path()).put("type", n.type()).put("major", n.major()).put("minor", n.minor())
            .put("fileMode", n.fileMode()).put("uid", n.uid()).put("gid", n.gid());
        rules.addObject().put("allow", true).put("type", n.type()).put("major", n.major()).put("minor", n.minor())
            .put("access", n.access());
      }
    }
  }

  private static ProcessTuning tuning(ContainerSpec s) {
    return s.tuning() == null ? ProcessTuning.NONE : s.tuning();
  }

  /** The container's environment with Docker's additions: PATH, HOSTNAME, HOME, TERM. */
  ArrayNode env(List<String> given, String hostname, String home, boolean tty) {
    ArrayNode env = mapper.createArrayNode();
    boolean path = false;
    boolean homeSet = false;
    List<String> list = given == null ? List.of() : given;
    for (String e : list) {
      path |= e.startsWith("PATH=");
      homeSet |= e.startsWith("HOME=");
    }
    if (!path) {
      env.add("PATH=" + DEFAULT_PATH);
    }
    env.add("HOSTNAME=" + hostname);
    if (tty && list.stream().noneMatch(e -> e.startsWith("TERM="))) {
      env.add("TERM=xterm");
    }
    list.forEach(env::add);
    if (!homeSet) {
      env.add("HOME=" + (home == null || home.isEmpty() ? "/" : home));
    }
    return env;
  }

  /** Docker's default set, or all for --privileged, with --cap-add/--cap-drop applied. */
  static Set<String> capabilities(ContainerSpec s) {
    Set<String> caps = new LinkedHashSet<>(s.privileged() ? grantable() : DEFAULT_CAPS);
    for (String d : s.capDrop() == null ? List.<String>of() : s.capDrop()) {
      String n = normalise(d);
      if (n.equals("CAP_ALL")) {
        caps.clear();
      } else {
        caps.remove(n);
      }
    }
    for (String a : s.capAdd() == null ? List.<String>of() : s.capAdd()) {
      String n = normalise(a);
      if (n.equals("CAP_ALL")) {
        caps.addAll(grantable());
      } else if (!ALL_CAPS.contains(n)) {
        throw new InvalidArgumentException("unknown capability: \"" + a + "\"");
      } else {
        caps.add(n);
      }
    }
    return caps;
  }

  /**
   * "All capabilities" as Docker means it for --privileged: all those the daemon itself may
   * hold (its bounding set), since runc cannot grant more. ALL_CAPS is in capability-number order.
   */
  static List<String> grantable() {
    long bounding = -1;
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("CapBnd:")) {
          bounding = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return ALL_CAPS;
    }
    List<String> out = new ArrayList<>();
    for (int bit = 0; bit < ALL_CAPS.size(); bit++) {
      if ((bounding & (1L << bit)) != 0) {
        out.add(ALL_CAPS.get(bit));
      }
    }
    return out;
  }

  private static String normalise(String cap) {
    String c = cap.toUpperCase(Locale.ROOT);
    return c.startsWith("CAP_") ? c : "CAP_" + c;
  }

  private ArrayNode mounts(ContainerSpec s) {
    ArrayNode m = mapper.createArrayNode();
    mount(m, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
    mount(m, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
    mount(m, "/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666",
        "mode=0620", "gid=5"));
    mount(m, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", s.privileged() ? "rw" : "ro"));
    mount(m, "/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime",
        s.privileged() ? "rw" : "ro"));
    mount(m, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
    boolean shmGiven = s.mounts().stream().anyMatch(x -> x.destination().equals("/dev/shm"));
    String ipc = tuning(s).ipcNamespace();
    if (!shmGiven && "host".equals(ipc)) {
      mount(m, "/dev/shm", "bind", "/dev/shm", List.of("rbind", "rprivate"));
    } else if (!shmGiven && !"none".equals(ipc)) {
      long shm = tuning(s).shmSize() == null ? 64L << 20 : tuning(s).shmSize();
      mount(m, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=" + shm));
    }
    if (s.init()) {
      mount(m, INIT_PATH, "bind", initBinary, List.of("rbind", "ro", "rprivate"));
    }
    for (ContainerSpec.MountSpec x : s.mounts()) {
      mount(m, x.destination(), x.type(), x.source(), x.options());
    }
    return m;
  }

  private static void mount(ArrayNode m, String dst, String type, String src, List<String> opts) {
    ObjectNode o = m.addObject();
    o.put("destination", dst);
    o.put("type", type);
    o.put("source", src);
    ArrayNode a = o.putArray("options");
    opts.forEach(a::add);
  }

  private ObjectNode resources(ContainerSpec s) {
    ObjectNode r = mapper.createObjectNode();
    ArrayNode dev = r.putArray("devices");
    if (s.privileged()) {
      dev.addObject().put("allow", true).put("access", "rwm");
    } else {
      dev.addObject().put("allow", false).put("access", "rwm");
      List<long[]> allowed = new ArrayList<>(List.of(new long[] {1, 3}, new long[] {1, 5}, new long[] {1, 7},
          new long[] {1, 8}, new long[] {1, 9}, new long[] {5, 0}, new long[] {5, 1}, new long[] {5, 2},
          new long[] {10, 200}));
      for (long[] d : allowed) {
        dev.addObject().put("allow", true).put("type", "c").put("major", d[0]).put("minor", d[1]).put("access", "rwm");
      }
      dev.addObject().put("allow", true).put("type", "c").put("major", 136).put("access", "rwm");
      dev.addObject().put("allow", true).put("type", "c").put("access", "m");
      dev.addObject().put("allow", true).put("type", "b").put("access", "m");
    }
    Resources res = s.resources() == null ? Resources.NONE : s.resources();
    if (res.memory() != null || res.memoryReservation() != null) {
      ObjectNode m = r.putObject("memory");
      if (res.memory() != null) {
        m.put("limit", res.memory()).put("swap", res.effectiveSwap());
      }
      if (res.memoryReservation() != null) {
        m.put("reservation", res.memoryReservation());
      }
    }
    if (res.cpuShares() != null || res.cpuQuota() != null || res.cpuPeriod() != null) {
      ObjectNode cpu = r.putObject("cpu");
      if (res.cpuShares() != null) {
        cpu.put("shares", res.cpuShares());
      }
      if (res.cpuQuota() != null) {
        cpu.put("quota", res.cpuQuota());
      }
      if (res.cpuPeriod() != null) {
        cpu.put("period", res.cpuPeriod());
      }
    }
    if (res.pidsLimit() != null) {
      r.putObject("pids").put("limit", res.pidsLimit());
    }
    return r;
  }
}
