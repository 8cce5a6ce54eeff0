package io.berth.build.executor;

import io.berth.build.context.ContextArchive;
import io.berth.build.copy.CopyPlanner;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * COPY and ADD without a container: the planned files are laid out in a staging directory at
 * their image paths (owner from {@code --chown}, mode from {@code --chmod}, times kept), and that
 * tree becomes the step's layer. ADD also unpacks local tar archives. The content hash of what
 * is copied is part of the cache key, so a changed file rebuilds from here.
 */
final class CopyStaging {
  private CopyStaging() {}

  /** A hash of the planned items (paths, modes, bytes), for the cache key. */
  static String hash(List<CopyPlanner.Item> items) {
    try {
      MessageDigest md = Digest.newSha256(); // OpenSSL's: the JDK's runs slowly under berthd's C1
      for (CopyPlanner.Item i : items) {
        md.update(i.target().getBytes());
        md.update((byte) 0);
        Path p = i.source();
        if (Files.isSymbolicLink(p)) {
          md.update(("link:" + Files.readSymbolicLink(p)).getBytes());
        } else if (Files.isRegularFile(p)) {
          md.update(Integer.toOctalString(perm(p)).getBytes());
          try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
              md.update(buf, 0, n);
            }
          }
        } else {
          md.update(("dir:" + Integer.toOctalString(perm(p))).getBytes());
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Lays the items out under {@code staging}, which then holds the step's layer.
   *
   * @param extract the local tar archives that ADD unpacks (never a downloaded one, as in Docker)
   */
  static void stage(List<CopyPlanner.Item> items, Path staging, String chown, String chmod,
      java.util.function.Predicate<Path> extract) {
    int[] owner = owner(chown);
    Integer mode = chmod == null ? null : parseMode(chmod);
    for (CopyPlanner.Item i : items) {
      try {
        Path target = staging.resolve(i.target().replaceFirst("^/+", ""));
        Path src = i.source();
        mkdirs(staging, target.getParent(), owner);
        if (Files.isSymbolicLink(src)) {
          Files.deleteIfExists(target);
          Files.createSymbolicLink(target, Files.readSymbolicLink(src));
          Files.setAttribute(target, "unix:uid", owner[0], LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(target, "unix:gid", owner[1], LinkOption.NOFOLLOW_LINKS);
          continue;
        }
        if (Files.isDirectory(src)) {
          Files.createDirectories(target);
        } else if (extract.test(src) && isTar(src)) {
          Files.createDirectories(target.getParent());
          try (InputStream in = Files.newInputStream(src)) {
            ContextArchive.extract(in, target.getParent());
          }
          continue; // an archive's own owners and modes are kept
        } else {
          Files.copy(src, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.setAttribute(target, "unix:uid", owner[0]);
        Files.setAttribute(target, "unix:gid", owner[1]);
        if (mode != null) {
          setMode(target, mode);
        }
        Files.setLastModifiedTime(target, Files.getLastModifiedTime(src));
      } catch (IOException e) {
        throw new UncheckedIOException("COPY failed: writing " + i.target(), e);
      }
    }
  }

  private static void mkdirs(Path staging, Path dir, int[] owner) throws IOException {
    if (dir == null || Files.isDirectory(dir)) {
      return;
    }
    mkdirs(staging, dir.getParent(), owner);
    Files.createDirectory(dir);
    setMode(dir, 0755);
  }

  private static boolean isTar(Path p) throws IOException {
    String n = p.getFileName().toString();
    if (n.endsWith(".tar") || n.endsWith(".tar.gz") || n.endsWith(".tgz")) {
      return true;
    }
    try (InputStream in = Files.newInputStream(p)) {
      byte[] head = in.readNBytes(262);
      return head.length == 262 && new String(head, 257, 5).equals("ustar");
    }
  }

  /** {@code --chown=uid[:gid]} as numbers: {@link CopyStep} has looked names up in the image by now. */
  static int[] owner(String chown) {
    if (chown == null || chown.isEmpty()) {
      return new int[] {0, 0};
    }
    String[] p = chown.split(":");
    try {
      int uid = Integer.parseInt(p[0]);
      int gid = p.length > 1 ? Integer.parseInt(p[1]) : uid;
      return new int[] {uid, gid};
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("--chown=" + chown + ": only numeric uid[:gid] is supported for now");
    }
  }

  static int parseMode(String chmod) {
    try {
      int m = Integer.parseInt(chmod, 8);
      if (m < 0 || m > 07777) {
        throw new NumberFormatException();
      }
      return m;
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("invalid --chmod=" + chmod + ": expected an octal mode such as 755");
    }
  }

  static void setMode(Path p, int mode) throws IOException {
    java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = java.util.EnumSet.noneOf(
        java.nio.file.attribute.PosixFilePermission.class);
    java.nio.file.attribute.PosixFilePermission[] all = java.nio.file.attribute.PosixFilePermission.values();
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        perms.add(all[i]);
      }
    }
    Files.setPosixFilePermissions(p, perms);
  }

  private static int perm(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }
}
