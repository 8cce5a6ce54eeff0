package io.berth.daemon.archive;

/**
 * Docker's lexical rules for {@code docker cp} paths (Go's {@code filepath} functions and the
 * archive package's trailing-separator helpers), which decide what gets copied and how the tar's
 * entries are named: {@code dir/} and {@code dir/.} assert a directory, {@code dir/.} means its
 * content only, and the last element names the copy.
 */
final class ArchivePaths {
  private ArchivePaths() {}

  /** {@code filepath.Join("/", path)} with a trailing {@code /} or {@code /.} of the original kept. */
  static String absolute(String path) {
    String clean = "/" + String.join("/", ContainerView.clean(path));
    if (!base(clean).equals(".") && specifiesCurrentDir(path)) {
      clean += clean.endsWith("/") ? "." : "/.";
    }
    if (!clean.endsWith("/") && path.endsWith("/")) {
      clean += "/";
    }
    return clean;
  }

  /** The path ends in a separator or in {@code .}: it must be a directory. */
  static boolean assertsDirectory(String path) {
    return path.endsWith("/") || specifiesCurrentDir(path);
  }

  private static boolean specifiesCurrentDir(String path) {
    return base(path).equals(".");
  }

  /** Go's {@code filepath.Base}: the last element, trailing slashes ignored; "/" for the root, "." for "". */
  static String base(String path) {
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
}
