package io.berth.daemon.archive;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

/**
 * What {@code HEAD/GET /containers/{id}/archive} says about a path in its
 * {@code X-Docker-Container-Path-Stat} header: base64 of a JSON object with the name, size, mode
 * as Go's {@code os.FileMode} (type bits at the top of a uint32, unlike a stat mode), mtime and,
 * for a symlink, its fully resolved target in the container. The docker CLI decodes exactly this.
 */
record PathStat(String name, long size, long mode, Instant mtime, String linkTarget) {
  static final String HEADER = "X-Docker-Container-Path-Stat";

  // os.FileMode bits (Go's io/fs)
  static final long MODE_DIR = 1L << 31;
  static final long MODE_SYMLINK = 1L << 27;
  static final long MODE_DEVICE = 1L << 26;
  static final long MODE_NAMED_PIPE = 1L << 25;
  static final long MODE_SOCKET = 1L << 24;
  static final long MODE_SETUID = 1L << 23;
  static final long MODE_SETGID = 1L << 22;
  static final long MODE_CHAR_DEVICE = 1L << 21;
  static final long MODE_STICKY = 1L << 20;

  private static final DateTimeFormatter RFC3339_NANO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  /** Stats {@code file} without following it; {@code name} and {@code linkTarget} come from the caller. */
  static PathStat of(Path file, String name, String linkTarget) throws IOException {
    Map<String, Object> a = Files.readAttributes(file, "unix:mode,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    return new PathStat(name, (Long) a.get("size"), goMode((Integer) a.get("mode")),
        ((FileTime) a.get("lastModifiedTime")).toInstant(), linkTarget);
  }

  /** A stat mode ({@code st_mode}) as Go's os.FileMode. */
  static long goMode(int st) {
    long m = st & 0777;
    switch (st & 0170000) {
      case 0040000 -> m |= MODE_DIR;
      case 0120000 -> m |= MODE_SYMLINK;
      case 0060000 -> m |= MODE_DEVICE;
      case 0020000 -> m |= MODE_DEVICE | MODE_CHAR_DEVICE;
      case 0010000 -> m |= MODE_NAMED_PIPE;
      case 0140000 -> m |= MODE_SOCKET;
      default -> { }
    }
    if ((st & 04000) != 0) {
      m |= MODE_SETUID;
    }
    if ((st & 02000) != 0) {
      m |= MODE_SETGID;
    }
    if ((st & 01000) != 0) {
      m |= MODE_STICKY;
    }
    return m;
  }

  boolean isDir() {
    return (mode & MODE_DIR) != 0;
  }

  /** Go's RFC 3339 with nanoseconds, trailing zeros of the fraction dropped (time.Time's JSON). */
  static String goTime(Instant t) {
    String s = RFC3339_NANO.format(t);
    int nanos = t.getNano();
    if (nanos != 0) {
      String frac = String.format("%09d", nanos).replaceAll("0+$", "");
      s += "." + frac;
    }
    return s + "Z";
  }

  ObjectNode json() {
    ObjectNode o = RecordJson.object();
    o.put("name", name);
    o.put("size", size);
    o.put("mode", mode);
    o.put("mtime", goTime(mtime));
    o.put("linkTarget", linkTarget == null ? "" : linkTarget);
    return o;
  }

  String header() {
    return Base64.getEncoder().encodeToString(json().toString().getBytes(StandardCharsets.UTF_8));
  }
}
