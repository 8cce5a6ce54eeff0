package io.berth.store.snapshot;

import io.berth.store.os.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code docker diff} read from an overlay snapshot: only the upper directory is walked (what the
 * container wrote), and each entry there is compared with the image's view, the stack of lower
 * layers with their own whiteouts and opaque directories applied. An overlay whiteout (0/0
 * character device) is a deletion; a directory made opaque hides everything the image had below
 * it, so each of those is a deletion too. An entry the image lacks is an addition (with all below
 * it); one it has is a modification when its type, mode, owner, device or (for non-directories)
 * size or mtime differ, and a directory is also modified when anything inside it changed. The
 * rules are those of Docker's change detection, which compares the two trees in full.
 */
public final class OverlayChanges {
  /** Docker's kinds: 0 modified, 1 added, 2 deleted. */
  public enum Kind { MODIFIED, ADDED, DELETED }

  /** One changed path, absolute in the container. */
  public record Change(String path, Kind kind) {}

  private static final String ATTRS = "unix:mode,uid,gid,rdev,size,lastModifiedTime";
  private final Path upper;
  private final List<Path> lowers;
  private final Set<String> ignored;

  /**
   * @param lowers  the image's layer directories, top first
   * @param ignored container paths the runtime itself creates as mount points (the sandbox
   *     files), which Docker keeps in a hidden init layer and never reports
   */
  public OverlayChanges(Path upper, List<Path> lowers, Set<String> ignored) {
    this.upper = upper;
    this.lowers = lowers;
    this.ignored = ignored;
  }

  /** The changes, sorted by path. */
  public List<Change> compute() {
    List<Change> out = new ArrayList<>();
    try {
      walk("", out);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the container's changes in " + upper, e);
    }
    out.sort(Comparator.comparing(Change::path));
    return out;
  }

  /** Adds the changes below the upper directory {@code rel}; true when there was any. */
  private boolean walk(String rel, List<Change> out) throws IOException {
    boolean any = false;
    List<Path> children;
    try (Stream<Path> s = Files.list(upper.resolve(rel.isEmpty() ? "." : rel))) {
      children = s.sorted().toList();
    }
    for (Path child : children) {
      String path = rel.isEmpty() ? child.getFileName().toString() : rel + "/" + child.getFileName();
      if (ignored.contains("/" + path)) {
        continue;
      }
      Map<String, Object> a = Files.readAttributes(child, ATTRS, LinkOption.NOFOLLOW_LINKS);
      if (isWhiteout(a)) {
        if (lowerFile(path) != null) {
          out.add(new Change("/" + path, Kind.DELETED));
          any = true;
        }
        continue;
      }
      Path lower = lowerFile(path);
      boolean dir = isDir(a);
      if (lower == null) {
        out.add(new Change("/" + path, Kind.ADDED));
        if (dir) {
          addAll(path, out);
        }
        any = true;
        continue;
      }
      int at = out.size();
      boolean inside = false;
      if (dir) {
        if (opaque(child)) {
          inside = deletedBelow(path, out);
        }
        inside |= walk(path, out);
      }
      if (inside || differs(a, Files.readAttributes(lower, ATTRS, LinkOption.NOFOLLOW_LINKS))) {
        out.add(at, new Change("/" + path, Kind.MODIFIED));
        any = true;
      }
    }
    return any;
  }

  /** Every entry below an added directory is added too. */
  private void addAll(String rel, List<Change> out) throws IOException {
    try (Stream<Path> s = Files.walk(upper.resolve(rel))) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        String path = upper.relativize(p).toString();
        if (!path.equals(rel) && !isWhiteout(Files.readAttributes(p, ATTRS, LinkOption.NOFOLLOW_LINKS))) {
          out.add(new Change("/" + path, Kind.ADDED));
        }
      }
    }
  }

  /** An opaque directory: what the image had below it and the upper dir does not is deleted. */
  private boolean deletedBelow(String rel, List<Change> out) throws IOException {
    boolean any = false;
    for (String name : lowerChildren(rel)) {
      Path up = upper.resolve(rel).resolve(name);
      if (!Files.exists(up, LinkOption.NOFOLLOW_LINKS)) {
        out.add(new Change("/" + rel + "/" + name, Kind.DELETED));
        any = true;
      }
    }
    return any;
  }

  /**
   * The file the image shows at {@code rel}, or null: layers are searched top down, and a
   * whiteout, a non-directory in a parent's place or an opaque parent ends the search.
   */
  Path lowerFile(String rel) throws IOException {
    String[] parts = rel.split("/");
    for (Path layer : lowers) {
      Path p = layer;
      boolean blocked = false;
      for (int i = 0; i < parts.length; i++) {
        p = p.resolve(parts[i]);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          break;
        }
        if (i == parts.length - 1) {
          return isWhiteout(p) ? null : p;
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          return null; // a file (or whiteout) here hides anything lower layers had below it
        }
        if (opaque(p)) {
          blocked = true;
        }
      }
      if (blocked) {
        return null;
      }
    }
    return null;
  }

  private Set<String> lowerChildren(String rel) throws IOException {
    Set<String> names = new TreeSet<>();
    Set<String> hidden = new TreeSet<>();
    for (Path layer : lowers) {
      Path dir = layer.resolve(rel);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
          break;
        }
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        for (Path c : (Iterable<Path>) s::iterator) {
          String n = c.getFileName().toString();
          if (isWhiteout(c)) {
            hidden.add(n);
          } else if (!hidden.contains(n)) {
            names.add(n);
          }
        }
      }
      if (opaque(dir)) {
        break;
      }
    }
    return names;
  }

  private static boolean isDir(Map<String, Object> a) {
    return ((Integer) a.get("mode") & 0170000) == 0040000;
  }

  private static boolean isWhiteout(Map<String, Object> a) {
    return ((Integer) a.get("mode") & 0170000) == 0020000 && (Long) a.get("rdev") == 0;
  }

  private static boolean isWhiteout(Path p) throws IOException {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS)
        && isWhiteout(Files.readAttributes(p, ATTRS, LinkOption.NOFOLLOW_LINKS));
  }

  private static boolean opaque(Path dir) {
    try {
      byte[] v = Syscalls.lgetxattr(dir.toString(), "trusted.overlay.opaque");
      return v != null && v.length == 1 && v[0] == 'y';
    } catch (Syscalls.SyscallException e) {
      return false;
    }
  }

  /** Docker's statDifferent: size and mtime count for non-directories only. */
  static boolean differs(Map<String, Object> now, Map<String, Object> before) {
    if (!now.get("mode").equals(before.get("mode")) || !now.get("uid").equals(before.get("uid"))
        || !now.get("gid").equals(before.get("gid")) || !now.get("rdev").equals(before.get("rdev"))) {
      return true;
    }
    if (isDir(now)) {
      return false;
    }
    return !now.get("size").equals(before.get("size"))
        || !sameTime((FileTime) now.get("lastModifiedTime"), (FileTime) before.get("lastModifiedTime"));
  }

  /** Equal, or the same second with one of them whole (tar keeps seconds only). */
  private static boolean sameTime(FileTime a, FileTime b) {
    java.time.Instant x = a.toInstant();
    java.time.Instant y = b.toInstant();
    return x.equals(y) || x.getEpochSecond() == y.getEpochSecond() && (x.getNano() == 0 || y.getNano() == 0);
  }
}
