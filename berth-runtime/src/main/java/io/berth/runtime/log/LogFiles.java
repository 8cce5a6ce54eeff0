package io.berth.runtime.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of one container's log files, beside the live file {@code container.log} that conmon
 * writes: {@code container.log.hold} (a second hard link to the live file, so that when conmon
 * replaces the live file at max-size the previous one survives), and the rotated files
 * {@code container.log.1} (newest) to {@code .N}, each possibly compressed ({@code .1.gz}), as
 * Docker names them.
 */
final class LogFiles {
  static final String HOLD = ".hold";
  static final String GZ_TEMP = ".gz-tmp-";
  static final String TRIM_TEMP = ".trim-tmp";
  private final Path live;
  private final Pattern rotatedName;

  LogFiles(Path live) {
    this.live = live;
    this.rotatedName = Pattern.compile(Pattern.quote(live.getFileName().toString()) + "\\.(\\d{1,6})(\\.gz)?");
  }

  Path live() {
    return live;
  }

  Path hold() {
    return sibling(HOLD);
  }

  Path plain(int index) {
    return sibling("." + index);
  }

  Path compressed(int index) {
    return sibling("." + index + ".gz");
  }

  Path sibling(String suffix) {
    return live.resolveSibling(live.getFileName() + suffix);
  }

  /** A rotated file: its index (1 = newest) and whether it is gzip-compressed. */
  record Rotated(int index, Path path, boolean compressed) {}

  /**
   * The rotated files by index, newest first. When a file exists both plain and compressed (a
   * compression cut short), the plain one counts; the other is left for the rotator to redo.
   */
  List<Rotated> rotated() {
    Map<Integer, Rotated> byIndex = new TreeMap<>();
    for (Path p : siblings()) {
      Matcher m = rotatedName.matcher(p.getFileName().toString());
      if (m.matches()) {
        int index = Integer.parseInt(m.group(1));
        boolean gz = m.group(2) != null;
        if (!gz || !byIndex.containsKey(index)) {
          byIndex.put(index, new Rotated(index, p, gz));
        }
      }
    }
    return new ArrayList<>(byIndex.values());
  }

  /** Every file of this log on disk whose name starts with the live file's name. */
  List<Path> siblings() {
    List<Path> out = new ArrayList<>();
    String prefix = live.getFileName().toString();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(live.getParent(), prefix + "*")) {
      ds.forEach(out::add);
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("listing log files of " + live, e);
    }
    return out;
  }

  /** The file's identity (device and inode), or null when it does not exist. */
  static Object key(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("reading attributes of " + p, e);
    }
  }
}
