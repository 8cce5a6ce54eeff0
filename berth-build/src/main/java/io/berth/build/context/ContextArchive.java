package io.berth.build.context;

import io.berth.errdefs.InvalidArgumentException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks the build context a client sends ({@code docker build} tars the directory, maybe
 * gzipped) into a private directory. Names are checked before anything is written: absolute
 * paths, {@code ..} and entries below a symlink are refused, so a hostile context cannot write
 * outside the directory.
 */
public final class ContextArchive {
  private ContextArchive() {}

  public static void extract(InputStream raw, Path dir) {
    try {
      BufferedInputStream in = new BufferedInputStream(raw, 65536);
      in.mark(2);
      int b1 = in.read();
      int b2 = in.read();
      in.reset();
      InputStream body = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 65536) : in;
      try (TarArchiveInputStream tar = new TarArchiveInputStream(body)) {
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
          Path target = safe(dir, e.getName());
          if (target == null) {
            continue;
          }
          Files.createDirectories(target.getParent());
          if (e.isDirectory()) {
            Files.createDirectories(target);
          } else if (e.isSymbolicLink()) {
            Files.deleteIfExists(target);
            Files.createSymbolicLink(target, Path.of(e.getLinkName()));
          } else if (e.isLink()) {
            Path src = safe(dir, e.getLinkName());
            if (src == null || !Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
              throw new InvalidArgumentException("build context: hard link " + e.getName() + " to a missing file");
            }
            Files.deleteIfExists(target);
            Files.createLink(target, src);
          } else if (e.isFile()) {
            Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          } else {
            continue; // devices and fifos have no place in a build context
          }
          if (!e.isSymbolicLink()) {
            Files.setPosixFilePermissions(target, permissions(e.getMode()));
            Files.setLastModifiedTime(target, FileTime.fromMillis(e.getModTime().getTime()));
          }
        }
      }
    } catch (IOException e) {
      if (io.berth.errdefs.DiskFull.is(e)) { // the daemon's disk, not the client's tar
        throw io.berth.errdefs.DiskFull.orUnchecked("extracting the build context", e);
      }
      throw new InvalidArgumentException("build context is not a valid tar archive: " + e.getMessage());
    }
  }

  /** The path for an entry name, or null for the root; refuses names that leave {@code dir}. */
  private static Path safe(Path dir, String name) throws IOException {
    String n = name.startsWith("./") ? name.substring(2) : name;
    if (n.isEmpty() || n.equals(".") || n.equals("./")) {
      return null;
    }
    if (n.startsWith("/")) {
      throw new InvalidArgumentException("build context: absolute path " + name);
    }
    Path target = dir.resolve(n).normalize();
    if (!target.startsWith(dir) || n.contains("..") && !target.startsWith(dir)) {
      throw new InvalidArgumentException("build context: " + name + " points outside the context");
    }
    for (Path p = target.getParent(); p != null && !p.equals(dir); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        throw new InvalidArgumentException("build context: " + name + " is below the symlink " + dir.relativize(p));
      }
    }
    return target;
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        out.add(all[i]);
      }
    }
    return out;
  }

  /** Reads a file of the context, for the Dockerfile and .dockerignore. */
  public static String read(Path dir, String name) {
    try {
      Path p = safe(dir, name);
      if (p == null || !Files.isRegularFile(p)) {
        return null;
      }
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
