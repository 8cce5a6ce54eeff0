package io.berth.runtime;

import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A container's capability set as Docker computes it: its default set, or all the daemon may
 * grant for {@code --privileged}, with {@code --cap-add}/{@code --cap-drop} applied ("ALL" in
 * cap-add: all but those dropped; "ALL" in cap-drop: only those added). Names are checked with
 * dockerd's words, so the same check refuses a bad name at create and never fails a start.
 */
public final class Capabilities {
  static final List<String> DEFAULT = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
      "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP",
      "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
  /** Every capability Linux defines, in capability-number order. */
  static final List<String> ALL = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
      "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
      "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
      "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
      "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
      "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
      "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
      "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
      "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");
  private static final String ALL_KEYWORD = "ALL";

  private Capabilities() {}

  /** The set the container's processes get; throws InvalidArgumentException for an unknown name. */
  public static Set<String> resolve(boolean privileged, List<String> add, List<String> drop) {
    List<String> adds = normalise(add == null ? List.of() : add, "CapAdd");
    List<String> drops = normalise(drop == null ? List.of() : drop, "CapDrop");
    if (privileged) {
      return new LinkedHashSet<>(grantable());
    }
    Set<String> caps = new LinkedHashSet<>();
    if (adds.contains(ALL_KEYWORD)) {
      grantable().stream().filter(c -> !drops.contains(c)).forEach(caps::add);
    } else if (drops.contains(ALL_KEYWORD)) {
      caps.addAll(adds);
    } else {
      DEFAULT.stream().filter(c -> !drops.contains(c)).forEach(caps::add);
      caps.addAll(adds);
    }
    return caps;
  }

  /** Checks CapAdd and CapDrop names as dockerd does at create. */
  public static void validate(List<String> add, List<String> drop) {
    normalise(add == null ? List.of() : add, "CapAdd");
    normalise(drop == null ? List.of() : drop, "CapDrop");
  }

  private static List<String> normalise(List<String> caps, String field) {
    List<String> out = new ArrayList<>();
    List<String> grantable = null;
    for (String cap : caps) {
      String c = cap.toUpperCase(Locale.ROOT);
      if (c.equals(ALL_KEYWORD)) {
        out.add(c);
        continue;
      }
      if (!c.startsWith("CAP_")) {
        c = "CAP_" + c;
      }
      if (!ALL.contains(c)) {
        throw new InvalidArgumentException("invalid " + field + ": unknown capability: \"" + c + "\"");
      }
      grantable = grantable == null ? grantable() : grantable;
      if (!grantable.contains(c)) {
        throw new InvalidArgumentException("invalid " + field + ": capability not supported by your kernel or not "
            + "available in the current environment: \"" + c + "\"");
      }
      out.add(c);
    }
    return out;
  }

  /**
   * "All capabilities" as Docker means it for --privileged: all those the daemon itself may
   * hold (its bounding set), since runc cannot grant more.
   */
  public static List<String> grantable() {
    long bounding = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapBnd:")) {
          bounding = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return ALL;
    }
    List<String> out = new ArrayList<>();
    for (int bit = 0; bit < ALL.size(); bit++) {
      if ((bounding & (1L << bit)) != 0) {
        out.add(ALL.get(bit));
      }
    }
    return out;
  }
}
