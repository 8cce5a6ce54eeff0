package io.berth.daemon.volume;

import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.store.os.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The local driver's {@code -o type=... -o device=... -o o=...} options, as Docker's: the volume's
 * {@code _data} directory becomes a mount of {@code device} with filesystem {@code type} and mount
 * options {@code o} — a tmpfs ({@code type=tmpfs device=tmpfs o=size=64m}), a bind of a host
 * directory ({@code type=none o=bind device=/srv/data}) or a filesystem on a block device.
 * Checked when the volume is created (so a typo fails {@code volume create}, not a later
 * {@code run}), mounted when a container first uses the volume, unmounted when the last one stops
 * and before the volume is removed (never deleting through a bind).
 */
public record LocalVolumeOptions(String type, String device, String o) {
  private static final Set<String> KEYS = Set.of("type", "device", "o", "size");
  private static final long MS_RDONLY = 1;
  private static final long MS_REMOUNT = 32;
  private static final long MS_BIND = 4096;
  private static final long MS_REC = 16384;
  /** mount(8)'s option words that are flags of mount(2) rather than filesystem data; value: set or clear. */
  private static final Map<String, long[]> FLAGS = flags();

  private static Map<String, long[]> flags() {
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put("defaults", new long[] {0, 0});
    m.put("ro", new long[] {MS_RDONLY, 0});
    m.put("rw", new long[] {0, MS_RDONLY});
    m.put("nosuid", new long[] {2, 0});
    m.put("suid", new long[] {0, 2});
    m.put("nodev", new long[] {4, 0});
    m.put("dev", new long[] {0, 4});
    m.put("noexec", new long[] {8, 0});
    m.put("exec", new long[] {0, 8});
    m.put("sync", new long[] {16, 0});
    m.put("async", new long[] {0, 16});
    m.put("dirsync", new long[] {128, 0});
    m.put("noatime", new long[] {1024, 0});
    m.put("atime", new long[] {0, 1024});
    m.put("nodiratime", new long[] {2048, 0});
    m.put("diratime", new long[] {0, 2048});
    m.put("bind", new long[] {MS_BIND, 0});
    m.put("rbind", new long[] {MS_BIND | MS_REC, 0});
    m.put("relatime", new long[] {1L << 21, 0});
    m.put("norelatime", new long[] {0, 1L << 21});
    m.put("strictatime", new long[] {1L << 24, 0});
    return Map.copyOf(m);
  }

  /**
   * Validates driver options; null when there are none (a plain directory volume). Errors say
   * which option is wrong, with Docker's wording where Docker has one.
   */
  public static LocalVolumeOptions parse(Map<String, String> opts) {
    if (opts == null || opts.isEmpty()) {
      return null;
    }
    for (Map.Entry<String, String> e : opts.entrySet()) {
      if (!KEYS.contains(e.getKey())) {
        throw new InvalidArgumentException("invalid option: \"" + e.getKey()
            + "\" (the local driver takes type, device and o)");
      }
      if (e.getValue().indexOf('\n') >= 0 || e.getValue().indexOf('\0') >= 0) {
        throw new InvalidArgumentException("invalid value for option \"" + e.getKey() + "\": control characters");
      }
    }
    if (opts.containsKey("size")) {
      throw new InvalidArgumentException("quota size requested but no quota support (option size=\""
          + opts.get("size") + "\"; for a tmpfs use -o o=size=...)");
    }
    for (String[] req : new String[][] {{"device", "type"}, {"type", "device"}, {"o", "device"}}) {
      if (opts.containsKey(req[0]) && !opts.containsKey(req[1])) {
        throw new InvalidArgumentException("missing required option: \"" + req[1] + "\" (given with \""
            + req[0] + "\")");
      }
    }
    LocalVolumeOptions lo = new LocalVolumeOptions(opts.get("type"), opts.get("device"), opts.getOrDefault("o", ""));
    lo.check();
    return lo;
  }

  private void check() {
    if (type.isEmpty() || device.isEmpty()) {
      throw new InvalidArgumentException("options type and device must not be empty (type=\"" + type
          + "\", device=\"" + device + "\")");
    }
    if (bind()) {
      Path dev = Path.of(device);
      if (!dev.isAbsolute()) {
        throw new InvalidArgumentException("invalid device \"" + device
            + "\": the device of a bind volume (o=bind) must be an absolute host path");
      }
      if (!Files.isDirectory(dev)) {
        throw new InvalidArgumentException("failed to mount local volume: mount " + device
            + ": no such file or directory (the device of a bind volume must be an existing host directory)");
      }
      return;
    }
    if (type.equals("none")) {
      throw new InvalidArgumentException("type \"none\" needs o=bind (type=none o=bind device=/host/dir)");
    }
    Filesystems fs = Filesystems.read();
    if (!fs.known(type)) {
      throw new InvalidArgumentException("unknown filesystem type \"" + type
          + "\": this kernel supports " + String.join(", ", fs.names()) + " (or type=none with o=bind)");
    }
    if (fs.needsDevice(type) && device.startsWith("/") && !Files.exists(Path.of(device))) {
      throw new InvalidArgumentException("device \"" + device + "\" for a " + type + " volume does not exist");
    }
  }

  boolean bind() {
    return words().contains("bind") || words().contains("rbind");
  }

  private List<String> words() {
    List<String> out = new ArrayList<>();
    for (String w : o.split(",")) {
      if (!w.isBlank()) {
        out.add(w.trim());
      }
    }
    return out;
  }

  /** Mounts the volume on {@code target} unless something is mounted there already. */
  void mount(Path target) {
    if (isMounted(target)) {
      return;
    }
    long flags = 0;
    List<String> data = new ArrayList<>();
    for (String w : words()) {
      long[] f = FLAGS.get(w);
      if (f == null) {
        data.add(w);
      } else {
        flags = (flags | f[0]) & ~f[1];
      }
    }
    String mountType = bind() ? "none" : type;
    try {
      // a bind ignores MS_RDONLY on the first call: remount it read-only afterwards, as mount(8) does
      Syscalls.mount(device, target.toString(), mountType, bind() ? flags & ~MS_RDONLY : flags,
          data.isEmpty() ? null : String.join(",", data));
      if (bind() && (flags & MS_RDONLY) != 0) {
        Syscalls.mount("none", target.toString(), "none", MS_REMOUNT | MS_BIND | MS_RDONLY, null);
      }
    } catch (Syscalls.SyscallException e) {
      throw new FailedPreconditionException("failed to mount local volume: mount " + device + ":" + target
          + " (type " + type + (o.isEmpty() ? "" : ", o=" + o) + "): " + e.getMessage());
    }
  }

  /** Unmounts whatever is mounted on {@code target} (lazily when busy); no error when nothing is. */
  static void unmount(Path target) {
    for (int i = 0; i < 8 && isMounted(target); i++) {
      int errno = Syscalls.umount2(target.toString(), 0);
      if (errno == 16) {
        Syscalls.umount2(target.toString(), Syscalls.MNT_DETACH);
      } else if (errno != 0 && errno != 22) {
        throw new FailedPreconditionException("unmounting volume at " + target + " failed: errno " + errno);
      }
    }
    if (isMounted(target)) {
      throw new FailedPreconditionException("volume at " + target + " is still mounted");
    }
  }

  /** Whether {@code target} is a mount point (as /proc/self/mountinfo lists it). */
  static boolean isMounted(Path target) {
    try {
      String want = target.toAbsolutePath().normalize().toString();
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4 && unescape(f[4]).equals(want)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("reading /proc/self/mountinfo", e);
    }
  }

  /** mountinfo escapes space, tab, newline and backslash as octal. */
  static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The filesystems this kernel mounts: /proc/filesystems, plus modules it would load on demand. */
  record Filesystems(Map<String, Boolean> withDevice) {
    static Filesystems read() {
      Map<String, Boolean> m = new java.util.TreeMap<>();
      try {
        for (String line : Files.readAllLines(Path.of("/proc/filesystems"))) {
          String[] f = line.trim().split("\\s+");
          if (f.length == 2 && f[0].equals("nodev")) {
            m.put(f[1], false);
          } else if (f.length == 1 && !f[0].isEmpty()) {
            m.put(f[0], true);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading /proc/filesystems", e);
      }
      return new Filesystems(m);
    }

    /** Listed, or a module the kernel loads on the first mount of that type ("fs-TYPE" alias). */
    boolean known(String type) {
      if (withDevice.containsKey(type)) {
        return true;
      }
      try {
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        Path aliases = Path.of("/lib/modules", release, "modules.alias");
        if (Files.isReadable(aliases)) {
          try (var lines = Files.lines(aliases)) {
            return lines.anyMatch(l -> l.startsWith("alias fs-" + type + " "));
          }
        }
      } catch (IOException e) {
        // no module information: only what /proc/filesystems lists is known
      }
      return false;
    }

    boolean needsDevice(String type) {
      return withDevice.getOrDefault(type, false);
    }

    List<String> names() {
      return List.copyOf(withDevice.keySet());
    }
  }
}
