package io.berth.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a {@link ContainerSpec} into an OCI runtime spec ({@code config.json}) with Docker's
 * defaults: its capability set, masked and read-only {@code /proc} paths, default mounts and
 * devices, the default seccomp profile, and cgroup limits (memory also caps swap so the OOM
 * killer acts inside the container).
 */
public final class OciSpecGenerator {
  static final List<String> DEFAULT_CAPS = Capabilities.DEFAULT;
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
    if (!tuning(s).utsHost()) {
      root.put("hostname", s.hostname()); // runc refuses a hostname without a UTS namespace of its own
    }
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
    if (!t.utsHost()) {
      ns.addObject().put("type", "uts");
    }
    ns.addObject().put("type", "mount");
    if (t.cgroupNamespace()) {
      ns.addObject().put("type", "cgroup");
    }
    if (s.netnsPath() == null) {
      ns.addObject().put("type", "network");
    } else if (!s.netnsPath().equals("host")) {
      ns.addObject().put("type", "network").put("path", s.netnsPath());
    }
    linux.put("cgroupsPath", "/" + cgroupParent + "/" + s.id());
    linux.set("resources", resources(s));
    if (s.privileged()) {
      hostDevices(linux, t.devices());
    } else {
      devices(linux, t.devices());
    }
    CgroupResources.apply((ObjectNode) linux.get("resources"), cgroups(s), s.privileged());
    if (s.annotations() != null && !s.annotations().isEmpty()) {
      ObjectNode a = root.putObject("annotations");
      s.annotations().forEach(a::put);
    }
    boolean domain = !tuning(s).utsHost() && s.domainname() != null && !s.domainname().isEmpty();
    if (!tuning(s).sysctls().isEmpty() || domain) {
      ObjectNode sysctl = linux.putObject("sysctl");
      tuning(s).sysctls().forEach(sysctl::put);
      if (domain) {
        // the UTS namespace's domain name; runc before 1.2 ignores the spec's "domainname" field
        sysctl.put("kernel.domainname", s.domainname());
      }
    }
    SecurityProfile sec = security(s);
    if (!s.privileged()) {
      ArrayNode masked = linux.putArray("maskedPaths");
      (sec.maskedPaths() == null ? MASKED : sec.maskedPaths()).forEach(masked::add);
      ArrayNode ro = linux.putArray("readonlyPaths");
      (sec.readonlyPaths() == null ? READONLY : sec.readonlyPaths()).forEach(ro::add);
    }
    ObjectNode seccomp = seccomp(s, sec, caps);
    if (seccomp != null) {
      linux.set("seccomp", seccomp);
    }
    return root;
  }

  /**
   * As dockerd: none for seccomp=unconfined, none for --privileged unless a profile was given,
   * the given profile translated, or the default one.
   */
  private ObjectNode seccomp(ContainerSpec s, SecurityProfile sec, Set<String> caps) {
    String profile = sec.seccomp();
    if (SecurityProfile.UNCONFINED.equals(profile) || (s.privileged() && profile == null)) {
      return null;
    }
    return profile == null ? SeccompProfile.build(mapper, caps) : DockerSeccomp.translate(mapper, profile, caps);
  }

  private static SecurityProfile security(ContainerSpec s) {
    return s.security() == null ? SecurityProfile.DEFAULT : s.security();
  }

  private static CgroupTuning cgroups(ContainerSpec s) {
    return s.cgroups() == null ? CgroupTuning.NONE : s.cgroups();
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
    p.put("noNewPrivileges", security(s).noNewPrivileges());
    if (security(s).apparmorProfile() != null) {
      p.put("apparmorProfile", security(s).apparmorProfile());
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

  /**
   * --privileged: every host device, as Docker gives it, plus the requested ones that appear
   * under another path (the cgroup already allows everything).
   */
  private static void hostDevices(ObjectNode linux, List<ProcessTuning.DeviceRequest> requests) {
    ArrayNode nodes = linux.putArray("devices");
    Set<String> paths = new java.util.HashSet<>();
    List<HostDevices.Node> all = new ArrayList<>(HostDevices.all());
    for (ProcessTuning.DeviceRequest r : requests) {
      all.addAll(HostDevices.resolve(r.pathOnHost(), r.pathInContainer(), "rwm"));
    }
    for (HostDevices.Node n : all) {
      if (paths.add(n.path())) {
        nodes.addObject().put("path", n.path()).put("type", n.type()).put("major", n.major()).put("minor", n.minor())
            .put("fileMode", n.fileMode()).put("uid", n.uid()).put("gid", n.gid());
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

  static Set<String> capabilities(ContainerSpec s) {
    return Capabilities.resolve(s.privileged(), s.capAdd(), s.capDrop());
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
