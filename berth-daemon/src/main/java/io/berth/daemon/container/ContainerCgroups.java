package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.CgroupTuning;
import io.berth.runtime.CgroupTuning.DeviceRule;
import io.berth.runtime.CgroupTuning.DeviceWeight;
import io.berth.runtime.CgroupTuning.Throttle;
import io.berth.runtime.HostDevices;
import io.berth.runtime.HostFeatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HostConfig's CpusetCpus/CpusetMems, MemorySwappiness, OomKillDisable, BlkioWeight,
 * BlkioWeightDevice, the four Blkio throttles and DeviceCgroupRules, checked with dockerd's rules
 * and words against what this host's kernel offers ({@link HostFeatures}) and turned into the
 * runtime's {@link CgroupTuning}. Like dockerd, a setting the kernel lacks is discarded with
 * dockerd's warning (returned to the client in the create response), never silently.
 */
final class ContainerCgroups {
  private static final Pattern DEVICE_RULE = Pattern.compile("([acb]) ([0-9]+|\\*):([0-9]+|\\*) ([rwm]{1,3})");
  private static final int MAX_CPUS = 8192;

  private ContainerCgroups() {}

  /** Checks and reads; the warnings for what this host discards go to {@code warnings}. */
  static CgroupTuning of(JsonNode hc, HostFeatures host, List<String> warnings) {
    String cpus = emptyToNull(hc.path("CpusetCpus").asText(""));
    String mems = emptyToNull(hc.path("CpusetMems").asText(""));
    if ((cpus != null || mems != null) && !host.cpuset()) {
      warnings.add("Your kernel does not support cpuset or the cgroup is not mounted. Cpuset discarded.");
      cpus = null;
      mems = null;
    }
    checkSubset(cpus, host.cpus(), "cpus", "Requested CPUs are not available");
    checkSubset(mems, host.mems(), "mems", "Requested memory nodes are not available");

    Long swappiness = hc.hasNonNull("MemorySwappiness") ? hc.get("MemorySwappiness").asLong() : null;
    if (swappiness != null && swappiness == -1) {
      swappiness = null; // the old clients' "unset"
    }
    if (swappiness != null && !host.memorySwappiness()) {
      warnings.add("Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. "
          + "Memory swappiness discarded.");
      swappiness = null;
    }
    if (swappiness != null && (swappiness < 0 || swappiness > 100)) {
      throw new InvalidArgumentException("Invalid value: " + swappiness + ", valid memory swappiness range is 0-100");
    }
    boolean oomKillDisable = hc.path("OomKillDisable").asBoolean(false);
    if (oomKillDisable && !host.oomKillDisable()) {
      warnings.add("Your kernel does not support OomKillDisable. OomKillDisable discarded.");
      oomKillDisable = false;
    }
    if (oomKillDisable && hc.path("Memory").asLong(0) == 0) {
      warnings.add("OOM killer is disabled for the container, but no memory limit is set, this can result in the "
          + "system running out of resources.");
    }

    Integer weight = hc.path("BlkioWeight").asInt(0) > 0 ? hc.path("BlkioWeight").asInt() : null;
    if (weight != null && !host.blkioWeight()) {
      warnings.add("Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.");
      weight = null;
    }
    if (weight != null && (weight < 10 || weight > 1000)) {
      throw new InvalidArgumentException("Range of blkio weight is from 10 to 1000");
    }
    List<DeviceWeight> weights = devices(hc.path("BlkioWeightDevice"), "BlkioWeightDevice", host.blkioWeightDevice(),
        "Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.",
        warnings, d -> {
          int w = d.path("Weight").asInt(0);
          if (w < 10 || w > 1000) {
            throw new InvalidArgumentException("invalid weight for device " + d.path("Path").asText("")
                + ": " + w + " (weight must be between 10 and 1000)");
          }
          long[] n = blockDevice(d.path("Path").asText(""), "BlkioWeightDevice");
          return new DeviceWeight(n[0], n[1], w);
        });
    return new CgroupTuning(cpus, mems, swappiness, oomKillDisable, weight, weights,
        throttles(hc, "BlkioDeviceReadBps", host.blkioReadBps(), "Your kernel does not support BPS Block I/O read "
            + "limit or the cgroup is not mounted. Block I/O BPS read limit discarded.", warnings),
        throttles(hc, "BlkioDeviceWriteBps", host.blkioWriteBps(), "Your kernel does not support BPS Block I/O write "
            + "limit or the cgroup is not mounted. Block I/O BPS write limit discarded.", warnings),
        throttles(hc, "BlkioDeviceReadIOps", host.blkioReadIops(), "Your kernel does not support IOPS Block read "
            + "limit or the cgroup is not mounted. Block I/O IOPS read limit discarded.", warnings),
        throttles(hc, "BlkioDeviceWriteIOps", host.blkioWriteIops(), "Your kernel does not support IOPS Block write "
            + "limit or the cgroup is not mounted. Block I/O IOPS write limit discarded.", warnings),
        deviceRules(hc.path("DeviceCgroupRules")));
  }

  private static List<Throttle> throttles(JsonNode hc, String field, boolean supported, String warning,
      List<String> warnings) {
    return devices(hc.path(field), field, supported, warning, warnings, d -> {
      long[] n = blockDevice(d.path("Path").asText(""), field);
      return new Throttle(n[0], n[1], d.path("Rate").asLong(0));
    });
  }

  private static <T> List<T> devices(JsonNode list, String field, boolean supported, String warning,
      List<String> warnings, Function<JsonNode, T> read) {
    List<T> out = new ArrayList<>();
    if (list.isEmpty()) {
      return out;
    }
    if (!supported) {
      warnings.add(warning);
      return out;
    }
    for (JsonNode d : list) {
      out.add(read.apply(d));
    }
    return out;
  }

  /** The major:minor of a block device node on the host (symlinks such as /dev/disk/by-id/... followed). */
  private static long[] blockDevice(String path, String field) {
    if (path.isEmpty() || path.indexOf('\0') >= 0) {
      throw new InvalidArgumentException(field + ": " + (path.isEmpty() ? "a device path is required"
          : "a device path cannot contain a NUL character"));
    }
    Path p = Path.of(path);
    if (!Files.exists(p)) {
      throw new InvalidArgumentException(field + ": " + path + ": no such file or directory");
    }
    try {
      HostDevices.Node n = HostDevices.device(p);
      if (n == null || !n.type().equals("b")) {
        throw new InvalidArgumentException(field + ": " + path + " is not a block device");
      }
      return new long[] {n.major(), n.minor()};
    } catch (IOException e) {
      throw new InvalidArgumentException(field + ": cannot read device " + path + ": " + e.getMessage());
    }
  }

  private static List<DeviceRule> deviceRules(JsonNode rules) {
    List<DeviceRule> out = new ArrayList<>();
    for (JsonNode r : rules) {
      String rule = r.asText("");
      Matcher m = DEVICE_RULE.matcher(rule);
      if (!m.matches()) {
        throw new InvalidArgumentException("invalid device cgroup rule format: '" + rule + "'");
      }
      out.add(new DeviceRule(m.group(1), number(m.group(2), "major", rule), number(m.group(3), "minor", rule),
          m.group(4)));
    }
    return out;
  }

  private static Long number(String s, String what, String rule) {
    if (s.equals("*")) {
      return null;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("invalid " + what + " value in device cgroup rule format: '" + rule + "'");
    }
  }

  /** dockerd's check of a cpuset list against what the host has ("0-3,5"). */
  private static void checkSubset(String requested, String available, String kind, String unavailable) {
    if (requested == null) {
      return;
    }
    java.util.BitSet have = parseList(available, 0, null);
    int max = Math.max(MAX_CPUS, have.length() - 1);
    java.util.BitSet want = parseList(requested, max, "Invalid value " + requested + " for cpuset " + kind + ": ");
    want.andNot(have);
    if (!want.isEmpty()) {
      throw new InvalidArgumentException(unavailable + " - requested " + requested + ", available: " + available);
    }
  }

  /** Parses "0-2,4"; {@code max} bounds the values (0: none), {@code error} prefixes the message (null: lenient). */
  private static java.util.BitSet parseList(String list, int max, String error) {
    java.util.BitSet out = new java.util.BitSet();
    if (list.isEmpty()) {
      return out;
    }
    for (String r : list.split(",", -1)) {
      int dash = r.indexOf('-');
      try {
        int lo = Integer.parseInt(dash < 0 ? r : r.substring(0, dash));
        int hi = dash < 0 ? lo : Integer.parseInt(r.substring(dash + 1));
        if (lo < 0 || hi < lo) {
          throw new NumberFormatException();
        }
        if (max != 0 && hi > max) {
          throw new InvalidArgumentException(error + "value of out range, maximum is " + max);
        }
        out.set(lo, hi + 1);
      } catch (NumberFormatException e) {
        if (error == null) {
          return out;
        }
        throw new InvalidArgumentException(error + "invalid format: " + list);
      }
    }
    return out;
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
