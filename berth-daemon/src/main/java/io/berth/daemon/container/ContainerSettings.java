package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.HostFeatures;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of dockerd's verifyContainerSettings and runconfig that no other component owns:
 * working directory, stop signal, healthcheck, user ids, UTS/cgroup/user namespace modes,
 * runtime, isolation, host IPs of published ports, annotations; and the HostConfig fields Berth
 * cannot apply, each refused by name when set (an option Berth accepts is one it applies), with
 * dockerd's own words where dockerd refuses it too. Adds dockerd's warnings to the create
 * response.
 */
final class ContainerSettings {
  private static final long MAX_ID = 2147483647L;
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final long MIN_HEALTH_DURATION = 1_000_000L; // 1ms in nanoseconds
  private static final Set<String> SIGNALS = Set.of("ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP",
      "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS",
      "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN",
      "RTMAX");
  private static final Pattern RT_SIGNAL = Pattern.compile("RTMIN\\+([1-9]|1[0-5])|RTMAX-([1-9]|1[0-4])");

  private ContainerSettings() {}

  /** Checks the create body's Config part (the body's top level); cleans WorkingDir as dockerd does. */
  static void checkConfig(ObjectNode config) {
    String wd = config.path("WorkingDir").asText("");
    if (!wd.isEmpty()) {
      if (!wd.startsWith("/")) {
        throw new InvalidArgumentException("the working directory '" + wd + "' is invalid, it needs to be an absolute path");
      }
      if (wd.indexOf('\0') >= 0) {
        throw new InvalidArgumentException("the working directory '" + wd.replace("\0", "\\0")
            + "' is invalid, it contains a NUL character");
      }
      config.put("WorkingDir", clean(wd));
    }
    config.path("Volumes").fieldNames().forEachRemaining(v -> {
      if (v.indexOf('\0') >= 0) {
        throw new InvalidArgumentException("invalid volume path '" + v.replace("\0", "\\0")
            + "': it contains a NUL character");
      }
    });
    String stop = config.path("StopSignal").asText("");
    if (!stop.isEmpty() && !validSignal(stop)) {
      throw new InvalidArgumentException("Invalid signal: " + stop);
    }
    JsonNode hc = config.path("Healthcheck");
    for (String f : List.of("Interval", "Timeout", "StartPeriod", "StartInterval")) {
      long d = hc.path(f).asLong(0);
      if (d != 0 && d < MIN_HEALTH_DURATION) {
        throw new InvalidArgumentException(f + " in Healthcheck cannot be less than 1ms");
      }
    }
    if (hc.path("Retries").asLong(0) < 0) {
      throw new InvalidArgumentException("Retries in Healthcheck cannot be negative");
    }
    checkUser(config.path("User").asText(""));
    if (config.path("NetworkDisabled").asBoolean(false)) {
      throw new InvalidArgumentException("NetworkDisabled is not supported by Berth: use NetworkMode \"none\" "
          + "(docker run --network none) for a container without network");
    }
    if (!config.path("MacAddress").asText("").isEmpty()) {
      throw macAddress();
    }
  }

  /** Checks HostConfig (and the endpoints of NetworkingConfig); adds dockerd's warnings to {@code warnings}. */
  static void checkHostConfig(ObjectNode config, JsonNode hc, JsonNode networking, HostFeatures host,
      List<String> warnings) {
    String uts = hc.path("UTSMode").asText("");
    if (!uts.isEmpty() && !uts.equals("host")) {
      throw new InvalidArgumentException("invalid UTS mode: " + uts);
    }
    if (uts.equals("host") && !config.path("Hostname").asText("").isEmpty()) {
      throw new InvalidArgumentException("conflicting options: hostname and the UTS mode");
    }
    String cgroupns = hc.path("CgroupnsMode").asText("");
    if (!Set.of("", "private", "host").contains(cgroupns)) {
      throw new InvalidArgumentException("invalid cgroup namespace mode: " + cgroupns);
    }
    if (cgroupns.equals("private") && !host.cgroupNamespaces()) {
      warnings.add("Your kernel does not support cgroup namespaces.  Cgroup namespace setting discarded.");
    }
    String userns = hc.path("UsernsMode").asText("");
    if (!userns.isEmpty() && !userns.equals("host")) {
      throw new InvalidArgumentException("UsernsMode \"" + userns + "\" is not supported: berthd runs containers "
          + "without user namespace remapping (only \"host\" is accepted)");
    }
    String runtime = hc.path("Runtime").asText("");
    if (!runtime.isEmpty() && !runtime.equals("runc")) {
      throw new InvalidArgumentException("unknown or invalid runtime name: " + runtime);
    }
    String isolation = hc.path("Isolation").asText("");
    if (!isolation.isEmpty() && !isolation.equals("default")) {
      throw new InvalidArgumentException("invalid isolation (" + isolation + "): linux only supports 'default'");
    }
    if (hc.path("IOMaximumBandwidth").asLong(0) != 0) {
      throw new InvalidArgumentException("invalid option: QoS maximum bandwidth configuration is not supported on linux");
    }
    if (hc.path("IOMaximumIOps").asLong(0) != 0) {
      throw new InvalidArgumentException("invalid option: QoS maximum IOPs configuration is not supported on linux");
    }
    long rtPeriod = hc.path("CpuRealtimePeriod").asLong(0);
    long rtRuntime = hc.path("CpuRealtimeRuntime").asLong(0);
    if (rtPeriod != 0 && rtRuntime != 0 && rtRuntime > rtPeriod) {
      throw new InvalidArgumentException("cpu real-time runtime cannot be higher than cpu real-time period");
    }
    if (rtPeriod != 0 || rtRuntime != 0) {
      throw unsupported("CpuRealtimePeriod/CpuRealtimeRuntime (--cpu-rt-period, --cpu-rt-runtime)",
          "berthd delegates no real-time CPU budget to its containers' cgroups");
    }
    if (hc.path("KernelMemory").asLong(0) != 0 || hc.path("KernelMemoryTCP").asLong(0) != 0) {
      throw unsupported("KernelMemory/KernelMemoryTCP (--kernel-memory)",
          "kernel memory limits are deprecated in Linux and no longer applied by runc");
    }
    if (hc.path("CpuCount").asLong(0) != 0) {
      throw unsupported("CpuCount (--cpu-count)", "it is a Windows option; use --cpus or --cpuset-cpus");
    }
    if (hc.path("CpuPercent").asLong(0) > 0) {
      warnings.add("linux does not support CPU percent. Percent discarded.");
    }
    if (!hc.path("CgroupParent").asText("").isEmpty()) {
      throw unsupported("CgroupParent (--cgroup-parent)", "berthd places every container under its own "
          + "--cgroup-parent, where it reads their stats and OOM kills");
    }
    if (!hc.path("Cgroup").asText("").isEmpty()) {
      throw unsupported("Cgroup", "a container cannot join another container's cgroup here");
    }
    for (JsonNode r : hc.path("DeviceRequests")) {
      throw new InvalidArgumentException("could not select device driver \"" + r.path("Driver").asText("")
          + "\" with capabilities: " + goList(r.path("Capabilities")) + " (Berth has no device drivers such as nvidia)");
    }
    if (!hc.path("StorageOpt").isEmpty()) {
      throw new InvalidArgumentException("--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
    }
    String volumeDriver = hc.path("VolumeDriver").asText("");
    if (!volumeDriver.isEmpty() && !volumeDriver.equals("local")) {
      throw new InvalidArgumentException("error looking up volume plugin " + volumeDriver + ": plugin \""
          + volumeDriver + "\" not found");
    }
    if (!hc.path("VolumesFrom").isEmpty()) {
      throw unsupported("VolumesFrom (--volumes-from)", "name the volumes with -v or --mount instead");
    }
    for (Iterator<String> it = hc.path("Annotations").fieldNames(); it.hasNext(); ) {
      if (it.next().isEmpty()) {
        throw new InvalidArgumentException("invalid Annotations: the empty string is not permitted as an annotation key");
      }
    }
    checkHostIps(hc.path("PortBindings"));
    if (hc.path("NetworkMode").asText("").equals("host") && !hc.path("PortBindings").isEmpty()) {
      warnings.add("Published ports are discarded when using host network mode");
    }
    for (JsonNode ep : networking.path("EndpointsConfig")) {
      if (!ep.path("MacAddress").asText("").isEmpty()) {
        throw macAddress();
      }
    }
  }

  /** An absolute path cleaned as Go's filepath.Clean does: no ".", "..", doubled or trailing slashes. */
  static String clean(String absolute) {
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (String p : absolute.split("/")) {
      if (p.equals("..")) {
        parts.pollLast();
      } else if (!p.isEmpty() && !p.equals(".")) {
        parts.addLast(p);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** Numeric user and group ids must fit the kernel's range (names are resolved at start, in the image). */
  static void checkUser(String user) {
    for (String part : user.split(":", 2)) {
      if (DIGITS.matcher(part).matches() && (part.length() > 10 || Long.parseLong(part) > MAX_ID)) {
        throw new InvalidArgumentException("uids and gids must be in range 0-" + MAX_ID);
      }
    }
  }

  private static void checkHostIps(JsonNode portBindings) {
    for (Iterator<Map.Entry<String, JsonNode>> it = portBindings.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      for (JsonNode b : e.getValue()) {
        String ip = b.path("HostIp").asText("");
        if (!ip.isEmpty() && !isIpLiteral(ip)) {
          throw new InvalidArgumentException("invalid HostIp \"" + ip + "\" for port " + e.getKey()
              + ": not an IP address");
        }
      }
    }
  }

  /** An IPv4 dotted quad or an IPv6 literal, without a name lookup. */
  static boolean isIpLiteral(String ip) {
    String s = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    if (s.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")) {
      for (String octet : s.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return true;
    }
    if (!s.contains(":") || !s.matches("[0-9A-Fa-f:.]+")) {
      return false;
    }
    try {
      InetAddress.getByName(s); // a literal: parsed, never looked up
      return true;
    } catch (UnknownHostException | SecurityException e) {
      return false;
    }
  }

  private static boolean validSignal(String s) {
    if (DIGITS.matcher(s).matches()) {
      return s.length() < 3 && Integer.parseInt(s) > 0 && Integer.parseInt(s) <= 64;
    }
    String name = s.toUpperCase(Locale.ROOT);
    name = name.startsWith("SIG") ? name.substring(3) : name;
    return SIGNALS.contains(name) || RT_SIGNAL.matcher(name).matches();
  }

  /** A list of lists of strings as Go's %v prints it: [[gpu compute]]. */
  private static String goList(JsonNode n) {
    if (!n.isArray()) {
      return n.asText();
    }
    List<String> items = new java.util.ArrayList<>();
    n.forEach(x -> items.add(goList(x)));
    return "[" + String.join(" ", items) + "]";
  }

  private static InvalidArgumentException unsupported(String field, String why) {
    return new InvalidArgumentException(field + " is not supported by Berth: " + why);
  }

  private static InvalidArgumentException macAddress() {
    return new InvalidArgumentException("MacAddress (--mac-address) is not supported by Berth yet: containers get "
        + "a MAC address derived from their IP address");
  }
}
