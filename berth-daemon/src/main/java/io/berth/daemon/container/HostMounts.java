package io.berth.daemon.container;

import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host's mount table ({@code /proc/self/mountinfo}) as bind propagation needs it: Docker
 * refuses {@code shared} propagation unless the source lies on a shared mount, and {@code slave}
 * unless it lies on a shared or slave one, because otherwise the requested propagation could
 * never happen and the container would silently behave as {@code private}.
 */
final class HostMounts {
  private HostMounts() {}

  /** Throws when {@code propagation} cannot work for {@code source} on this host. */
  static void checkPropagation(String source, String propagation) {
    boolean shared = propagation.equals("shared") || propagation.equals("rshared");
    boolean slave = propagation.equals("slave") || propagation.equals("rslave");
    if (!shared && !slave) {
      return;
    }
    String[] entry = mountOf(Path.of(source).toAbsolutePath().normalize().toString());
    if (entry == null) {
      return;
    }
    String optional = entry[1];
    if (shared && !optional.contains("shared:")) {
      throw new InvalidArgumentException("path " + source + " is mounted on " + entry[0]
          + " but it is not a shared mount (needed for bind-propagation=" + propagation
          + "; make it shared with: mount --make-shared " + entry[0] + ")");
    }
    if (slave && !optional.contains("shared:") && !optional.contains("master:")) {
      throw new InvalidArgumentException("path " + source + " is mounted on " + entry[0]
          + " but it is not a shared or slave mount (needed for bind-propagation=" + propagation + ")");
    }
  }

  /** {mount point, optional fields} of the mount holding {@code path} (the longest matching mount point). */
  static String[] mountOf(String path) {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      throw new UncheckedIOException("reading /proc/self/mountinfo", e);
    }
    String[] best = null;
    for (String line : lines) {
      String[] f = line.split(" ");
      int dash = java.util.Arrays.asList(f).indexOf("-");
      if (f.length < 7 || dash < 6) {
        continue;
      }
      String point = unescape(f[4]);
      boolean holds = point.equals("/") || path.equals(point) || path.startsWith(point + "/");
      if (holds && (best == null || point.length() >= best[0].length())) {
        best = new String[] {point, String.join(" ", java.util.Arrays.copyOfRange(f, 6, dash))};
      }
    }
    return best;
  }

  private static String unescape(String s) {
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }
}
