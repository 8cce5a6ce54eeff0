package io.berth.store.layer;

import java.util.ArrayList;
import java.util.List;

/**
 * Docker's lexical rules for {@code docker cp} paths (Go's {@code filepath} functions and the
 * archive package's trailing-separator helpers), which decide what gets copied and how the tar's
 * entries are named: {@code dir/} and {@code dir/.} assert a directory, {@code dir/.} means its
 * content only, and the last element names the copy. The daemon and the CLI both follow them.
 */
public final class CopyPaths {
  private CopyPaths() {}

  /** {@code filepath.Join("/", path)} with a trailing {@code /} or {@code /.} of the original kept. */
  public static String absolute(String path) {
    String clean = "/" + String.join("/", clean(path));
    if (!base(clean).equals(".") && specifiesCurrentDir(path)) {
      clean += clean.endsWith("/") ? "." : "/.";
    }
    if (!clean.endsWith("/") && path.endsWith("/")) {
      clean += "/";
    }
    return clean;
  }

  /** The path ends in a separator or in {@code .}: it must be a directory. */
  public static boolean assertsDirectory(String path) {
    return path.endsWith("/") || specifiesCurrentDir(path);
  }

  private static boolean specifiesCurrentDir(String path) {
    return base(path).equals(".");
  }

  /** Go's {@code filepath.Base}: the last element, trailing slashes ignored; "/" for the root, "." for "". */
  public static String base(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    String p = path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.equals("/")) {
      return "/";
    }
    return p.substring(p.lastIndexOf('/') + 1);
  }

  /** Go's {@code path.Clean("/" + path)}, as components ({@code ..} stops at the root). */
  public static List<String> clean(String path) {
    List<String> out = new ArrayList<>();
    for (String c : path.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!out.isEmpty()) {
          out.removeLast();
        }
        continue;
      }
      out.add(c);
    }
    return out;
  }

  /** Go's {@code filepath.Clean}: relative paths stay relative, "" is ".". */
  public static String goClean(String path) {
    boolean rooted = path.startsWith("/");
    List<String> out = new ArrayList<>();
    for (String c : path.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!out.isEmpty() && !out.getLast().equals("..")) {
          out.removeLast();
        } else if (!rooted) {
          out.add("..");
        }
        continue;
      }
      out.add(c);
    }
    String joined = String.join("/", out);
    return rooted ? "/" + joined : joined.isEmpty() ? "." : joined;
  }

  /** Go's {@code filepath.Dir}: all but the last element, cleaned. */
  public static String goDir(String path) {
    int slash = path.lastIndexOf('/');
    return goClean(slash < 0 ? "" : path.substring(0, slash + 1));
  }

  /** go-archive's SplitPathDirEntry: {dir, base} of the cleaned path, a trailing "." kept. */
  public static String[] splitPathDirEntry(String path) {
    String cleaned = goClean(path);
    if (specifiesCurrentDir(path)) {
      cleaned += "/.";
    }
    return new String[] {goDir(cleaned), base(cleaned)};
  }

  /**
   * go-archive's GetRebaseName: {@code resolved} with the trailing {@code /.} or {@code /} of
   * {@code path}, and the name the copy must take when following a link changed the last element
   * (null when it did not).
   */
  public static String[] rebaseName(String path, String resolved) {
    String r = resolved;
    if (specifiesCurrentDir(path) && !specifiesCurrentDir(r)) {
      r += "/.";
    }
    if (path.endsWith("/") && !r.endsWith("/")) {
      r += "/";
    }
    return new String[] {r, base(path).equals(base(r)) ? null : base(path)};
  }

  /** One side of a copy: its path, whether it exists and is a directory, and a rebase name (or null). */
  public record Info(String path, boolean exists, boolean dir, String rebaseName) {}

  /**
   * Where a copy unpacks and how its tar's first element is renamed: {@code dstDir}, and
   * {@code oldBase} to {@code newBase} (both null to keep the names).
   */
  public record Prepared(String dstDir, String oldBase, String newBase) {}

  /**
   * go-archive's PrepareArchiveCopy: into an existing directory as it is; onto an existing file,
   * or to a new name, renamed to the destination's last element. Docker's errors otherwise.
   */
  public static Prepared prepare(Info src, Info dst) {
    String[] d = splitPathDirEntry(dst.path());
    String srcBase = src.rebaseName() != null ? src.rebaseName() : splitPathDirEntry(src.path())[1];
    if (dst.exists() && dst.dir()) {
      return new Prepared(dst.path(), null, null);
    }
    if (dst.exists() && src.dir()) {
      throw new io.berth.errdefs.InvalidArgumentException("cannot copy directory");
    }
    if (!dst.exists() && !src.dir() && assertsDirectory(dst.path())) {
      throw new io.berth.errdefs.InvalidArgumentException("no such directory");
    }
    return new Prepared(d[0], srcBase, d[1]);
  }
}
