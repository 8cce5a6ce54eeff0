package io.berth.runtime;

import io.berth.runtime.RuntimeResources.Stats.BlkioEntry;
import io.berth.runtime.RuntimeResources.Stats.NetInterface;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's statistics file formats that {@link CgroupReader} reads (net/dev, v2 io.stat, v1
 * blkio, flat {@code key value} files such as cpu.stat and memory.stat), parsed into the figures
 * Docker's stats body carries. A file that cannot be read counts nothing: the container may have
 * stopped between two reads, or the controller is not mounted.
 */
final class StatFiles {
  private StatFiles() {}

  /** {@code key value} lines (cpu.stat, memory.stat, cpuacct.stat, memory.events), in file order. */
  static Map<String, Long> flat(Path file) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String line : lines(file)) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2) {
        out.put(f[0], parse(f[1]));
      }
    }
    return out;
  }

  /**
   * v1's {@code blkio.throttle.io_service_bytes} / {@code io_serviced}: {@code 8:0 Read 4096} per
   * device and op, kept with the kernel's op spelling as Docker does; the closing {@code Total N}
   * line is not a device and is skipped.
   */
  static List<BlkioEntry> blkioV1(Path file) {
    List<BlkioEntry> out = new ArrayList<>();
    for (String line : lines(file)) {
      String[] f = line.trim().split("\\s+");
      long[] dev = f.length == 3 ? device(f[0]) : null;
      if (dev != null) {
        out.add(new BlkioEntry(dev[0], dev[1], f[1], parse(f[2])));
      }
    }
    return out;
  }

  /**
   * v2's io.stat, {@code 8:0 rbytes=4096 wbytes=0 rios=1 wios=0 ...} per device, as Docker turns it
   * into io_service_bytes_recursive: a "read" entry (rbytes) and a "write" entry (wbytes) per device.
   */
  static List<BlkioEntry> ioStatV2(Path file) {
    List<BlkioEntry> out = new ArrayList<>();
    for (String line : lines(file)) {
      String[] f = line.trim().split("\\s+");
      long[] dev = f.length > 0 ? device(f[0]) : null;
      if (dev == null) {
        continue;
      }
      long read = 0;
      long write = 0;
      for (int i = 1; i < f.length; i++) {
        if (f[i].startsWith("rbytes=")) {
          read = parse(f[i].substring(7));
        } else if (f[i].startsWith("wbytes=")) {
          write = parse(f[i].substring(7));
        }
      }
      out.add(new BlkioEntry(dev[0], dev[1], "read", read));
      out.add(new BlkioEntry(dev[0], dev[1], "write", write));
    }
    return out;
  }

  /**
   * {@code /proc/PID/net/dev}: one interface per line after the two header lines, loopback left
   * out as Docker leaves it out. After {@code iface:} the receive columns are bytes, packets, errs,
   * drop (then fifo, frame, compressed, multicast) and the transmit columns from field 8 the same.
   */
  static List<NetInterface> netDev(Path file) {
    List<NetInterface> out = new ArrayList<>();
    for (String line : lines(file)) {
      int colon = line.indexOf(':');
      String name = colon < 0 ? "" : line.substring(0, colon).trim();
      if (name.isEmpty() || name.equals("lo") || name.contains("|")) {
        continue;
      }
      String[] f = line.substring(colon + 1).trim().split("\\s+");
      if (f.length >= 12) {
        out.add(new NetInterface(name, parse(f[0]), parse(f[1]), parse(f[2]), parse(f[3]),
            parse(f[8]), parse(f[9]), parse(f[10]), parse(f[11])));
      }
    }
    return out;
  }

  /** cpuacct.usage_percpu: nanoseconds per CPU on one line. */
  static List<Long> perCpu(Path file) {
    List<Long> out = new ArrayList<>();
    for (String line : lines(file)) {
      for (String n : line.trim().split("\\s+")) {
        if (!n.isEmpty()) {
          out.add(parse(n));
        }
      }
    }
    return out;
  }

  /** {@code 8:16} as major and minor; null for anything else (such as v1's {@code Total}). */
  private static long[] device(String s) {
    int colon = s.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    try {
      return new long[] {Long.parseLong(s.substring(0, colon)), Long.parseLong(s.substring(colon + 1))};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | UncheckedIOException e) {
      return List.of(); // the container just stopped, or the controller is not mounted: nothing to count
    }
  }

  /** A counter; the kernel's are unsigned 64-bit, so one past 2^63-1 comes back negative (two's complement). */
  static long parse(String n) {
    try {
      return Long.parseUnsignedLong(n);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
