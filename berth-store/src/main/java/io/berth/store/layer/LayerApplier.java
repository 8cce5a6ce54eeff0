package io.berth.store.layer;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import io.berth.store.os.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks one layer tar (plain, gzip or zstd) into an empty directory that becomes an overlayfs
 * lower layer: OCI whiteouts turn into overlay whiteouts (0:0 character devices) and opaque
 * directories into the {@code trusted.overlay.opaque} attribute. Entries that would land outside
 * the directory ({@code ..}, absolute names, writes through symlinks, hard links to outside)
 * are refused with an error naming the entry.
 */
public final class LayerApplier {
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  /** What an applied layer was: its diff id (digest of the uncompressed tar) and byte size. */
  public record Applied(Digest diffId, long size) {}

  public Applied apply(InputStream compressed, Path root) {
    MessageDigest md = Digest.newSha256();
    long[] size = {0};
    InputStream counting = new java.io.FilterInputStream(Compression.decompressed(compressed)) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          size[0]++;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          size[0] += n;
        }
        return n;
      }
    };
    DigestInputStream hashed = new DigestInputStream(counting, md);
    List<Runnable> dirTimes = new ArrayList<>();
    try {
      Files.createDirectories(root);
      TarArchiveInputStream tar = new TarArchiveInputStream(hashed);
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        applyEntry(tar, e, root, dirTimes);
      }
      hashed.transferTo(OutputStream.nullOutputStream());
      for (int i = dirTimes.size() - 1; i >= 0; i--) {
        dirTimes.get(i).run();
      }
      return new Applied(Digest.ofSha256(md), size[0]);
    } catch (IOException ex) {
      throw new InvalidArgumentException("invalid layer tar: " + ex.getMessage());
    }
  }

  private void applyEntry(TarArchiveInputStream tar, TarArchiveEntry e, Path root, List<Runnable> dirTimes)
      throws IOException {
    String rel = clean(e.getName());
    if (rel.isEmpty()) {
      return;
    }
    Path target = root.resolve(rel);
    Path parent = target.getParent();
    ensureParent(root, parent, e.getName());
    String base = target.getFileName().toString();
    if (base.equals(OPAQUE)) {
      Files.createDirectories(parent);
      Syscalls.lsetxattr(parent.toString(), "trusted.overlay.opaque", "y".getBytes());
      return;
    }
    if (base.startsWith(WHITEOUT)) {
      Path hidden = parent.resolve(base.substring(WHITEOUT.length()));
      deleteRecursively(hidden);
      Syscalls.mknod(hidden.toString(), Syscalls.S_IFCHR, 0);
      return;
    }
    if (!e.isDirectory() && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      deleteRecursively(target);
    }
    if (e.isDirectory()) {
      if (Files.isSymbolicLink(target) || (Files.exists(target) && !Files.isDirectory(target))) {
        deleteRecursively(target);
      }
      Files.createDirectories(target);
    } else if (e.isSymbolicLink()) {
      Files.createSymbolicLink(target, Path.of(e.getLinkName()));
    } else if (e.isLink()) {
      String linkRel = clean(e.getLinkName());
      Path src = root.resolve(linkRel);
      if (linkRel.isEmpty() || !Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArgumentException("layer entry " + e.getName() + ": hard link target "
            + e.getLinkName() + " is not in the layer");
      }
      ensureParent(root, src.getParent(), e.getLinkName());
      Files.createLink(target, src);
      return;
    } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
      int type = e.isFIFO() ? 0010000 : e.isCharacterDevice() ? Syscalls.S_IFCHR : 0060000;
      long dev = ((long) e.getDevMajor() << 8) | (e.getDevMinor() & 0xff) | ((long) (e.getDevMinor() & ~0xff) << 12);
      Syscalls.mknod(target.toString(), type | (e.getMode() & 07777), dev);
    } else if (e.isFile()) {
      Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
    } else {
      return;
    }
    Files.setAttribute(target, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(target, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
    if (!e.isSymbolicLink()) {
      Files.setAttribute(target, "unix:mode", e.getMode() & 07777);
      FileTime mtime = FileTime.from(e.getLastModifiedDate().toInstant());
      if (e.isDirectory()) {
        dirTimes.add(() -> setTime(target, mtime));
      } else {
        setTime(target, mtime);
      }
    }
  }

  private static void setTime(Path p, FileTime t) {
    try {
      Files.setLastModifiedTime(p, t);
    } catch (IOException ignored) {
      // times are cosmetic
    }
  }

  /**
   * Normalises an entry name to a relative path inside the layer; refuses names that climb out.
   */
  public static String clean(String name) {
    String n = name.replace('\\', '/');
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    while (n.startsWith("/")) {
      n = n.substring(1);
    }
    List<String> parts = new ArrayList<>();
    for (String p : n.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        throw new InvalidArgumentException("layer entry \"" + name + "\" escapes the root (\"..\")");
      }
      if (p.indexOf('\0') >= 0) {
        throw new InvalidArgumentException("layer entry \"" + name + "\" has a NUL byte");
      }
      parts.add(p);
    }
    return String.join("/", parts);
  }

  /** Creates missing parents, refusing to go through a symlink (which could point anywhere). */
  private static void ensureParent(Path root, Path parent, String entry) throws IOException {
    Path rel = root.relativize(parent);
    Path cur = root;
    for (Path part : rel) {
      if (part.toString().isEmpty()) {
        continue;
      }
      cur = cur.resolve(part);
      if (Files.isSymbolicLink(cur)) {
        throw new InvalidArgumentException("layer entry \"" + entry + "\" would be written through the symlink "
            + root.relativize(cur) + "; refusing (possible escape from the root)");
      }
      if (!Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(cur);
      } else if (!Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArgumentException("layer entry \"" + entry + "\": " + root.relativize(cur) + " is not a directory");
      }
    }
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (var s = Files.list(p)) {
        for (Path c : (Iterable<Path>) s::iterator) {
          deleteRecursively(c);
        }
      }
    }
    Files.delete(p);
  }

  /** Deletes a directory tree; for callers outside the package. */
  public static void deleteTree(Path p) {
    try {
      deleteRecursively(p);
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + p, e);
    }
  }
}
