package io.berth.store.layer;

import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import io.berth.store.os.Syscalls;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacks one layer tar (plain, gzip or zstd, detected by magic bytes) onto a directory, keeping
 * modes, owners, times, links, device nodes and {@code SCHILY.xattr} attributes (binary values
 * such as file capabilities byte for byte). Sparse files ({@code tar -S}, GNU and PAX formats)
 * keep their holes: only the data regions are written. The same extraction serves {@code docker
 * cp} into a container ({@link #forCopy}): there names starting with {@code .wh.} are ordinary
 * files, the root entry is skipped, owners may be overridden, and Docker's
 * {@code noOverwriteDirNonDir} rule applies.
 *
 * <p>OCI whiteouts are handled in one of two ways. {@link Whiteouts#OVERLAY} is for a directory
 * that becomes an overlayfs lower layer: {@code .wh.name} turns into an overlay whiteout (a 0:0
 * character device) and {@code .wh..wh..opq} into {@code trusted.overlay.opaque=y}.
 * {@link Whiteouts#DELETE} is for flattening layers onto one directory: the named path, or the
 * opaque directory's older content, is deleted.
 *
 * <p>Entries are never written outside the root: {@code ..} names are refused, absolute names are
 * taken relative to the root, symlinks in a parent path are followed only while they stay inside
 * (see {@link RootPath}), an existing symlink at the entry's own name is replaced, not followed,
 * and hard links must point at something already inside. Refusals name the entry.
 */
public final class LayerApplier {
  private static final Logger LOG = LoggerFactory.getLogger(LayerApplier.class);
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";
  private static final int EPERM = 1;
  /**
   * setxattr errors that mean "not here" rather than a broken disk: EPERM, E2BIG, EINVAL, ERANGE,
   * ENOTSUP. Docker and containerd skip ENOTSUP (and moby EPERM) with a warning too.
   */
  private static final Set<Integer> REFUSED = Set.of(EPERM, 7, 22, 34, Syscalls.ENOTSUP);
  private static final int MAX_XATTR_WARNINGS = 10;

  /** How whiteout entries are materialised; KEEP: they are ordinary files (a copy, not a layer). */
  public enum Whiteouts { OVERLAY, DELETE, KEEP }

  /** Owner every extracted entry gets, instead of the tar's ({@code docker cp -a}). */
  public record Owner(int uid, int gid) {}

  /** What an applied layer was: its diff id (digest of the uncompressed tar) and byte size. */
  public record Applied(Digest diffId, long size) {}

  private final Whiteouts whiteouts;
  private final boolean noOverwriteDirNonDir;
  private final Owner owner;
  private final String noun;

  /** An applier for overlayfs lower layers. */
  public LayerApplier() {
    this(Whiteouts.OVERLAY);
  }

  public LayerApplier(Whiteouts whiteouts) {
    this(whiteouts, false, null, "layer entry");
  }

  private LayerApplier(Whiteouts whiteouts, boolean noOverwriteDirNonDir, Owner owner, String noun) {
    this.whiteouts = whiteouts;
    this.noOverwriteDirNonDir = noOverwriteDirNonDir;
    this.owner = owner;
    this.noun = noun;
  }

  /**
   * An applier for an archive copied into a container, as Docker's {@code PUT .../archive}
   * unpacks it: with {@code noOverwriteDirNonDir} an existing directory is never replaced by a
   * non-directory nor the other way round; {@code owner} (or null for the tar's owners) is set
   * on every entry.
   */
  public static LayerApplier forCopy(boolean noOverwriteDirNonDir, Owner owner) {
    return new LayerApplier(Whiteouts.KEEP, noOverwriteDirNonDir, owner, "archive entry");
  }

  /**
   * Applies the layer read from {@code layer} onto {@code root} (created when missing). Malformed
   * or malicious tars are refused with an InvalidArgumentException naming the entry; what was
   * already written stays, so callers unpack into a fresh directory they discard on failure.
   */
  public Applied apply(InputStream layer, Path root) {
    return apply(layer, root, true);
  }

  /**
   * As {@link #apply(InputStream, Path)}; without {@code hash} the diff id is not computed
   * ({@link Applied#diffId} is null), for a layer already verified against its digest as it was
   * stored: hashing it again would cost a third pass over every byte of a pull.
   */
  public Applied apply(InputStream layer, Path root, boolean hash) {
    try {
      Files.createDirectories(root);
    } catch (IOException ex) {
      throw new UncheckedIOException("creating " + root, ex);
    }
    return apply(layer, RootedTree.of(root), hash);
  }

  /**
   * Applies the tar read from {@code layer} below {@code root}, which must exist. Errors are
   * InvalidArgumentExceptions naming the entry (what was already written stays).
   */
  public Applied apply(InputStream layer, RootedTree root, boolean hash) {
    MessageDigest md = hash ? Digest.newSha256() : null;
    Extraction x = new Extraction(root);
    try {
      CountingInputStream counting = new CountingInputStream(Compression.decompressed(layer));
      InputStream hashed = hash ? new DigestInputStream(counting, md) : counting;
      XattrTarInputStream tar = new XattrTarInputStream(hashed);
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        x.entry(tar, e);
      }
      // the digest (and size) covers the whole tar, end-of-archive padding included
      hashed.transferTo(OutputStream.nullOutputStream());
      x.finish();
      return new Applied(hash ? Digest.ofSha256(md) : null, counting.count);
    } catch (IOException ex) {
      throw new InvalidArgumentException(invalid() + describe(ex), ex);
    } catch (UncheckedIOException ex) {
      throw new InvalidArgumentException(invalid() + describe(ex.getCause()), ex);
    } finally {
      x.settle(); // after a failure too: the caller deletes what was written, nothing may still write
    }
  }

  private String invalid() {
    return whiteouts == Whiteouts.KEEP ? "extracting the archive: " : "invalid layer tar: ";
  }

  /** The JDK's file errors carry only the path; say what happened too. */
  private static String describe(IOException ex) {
    String what = switch (ex) {
      case java.nio.file.AccessDeniedException a -> "permission denied: ";
      case java.nio.file.NoSuchFileException n -> "no such file or directory: ";
      case java.nio.file.FileSystemException f when f.getReason() != null -> "";
      case java.nio.file.FileSystemException f -> "file system error: ";
      default -> "";
    };
    return what + ex.getMessage();
  }

  /** State of one extraction: the root, what this layer wrote, directory times to set last. */
  private final class Extraction {
    private final RootedTree root;
    private final Set<String> written = new HashSet<>();
    private final List<Runnable> dirTimes = new ArrayList<>();
    private final ParallelFiles files = new ParallelFiles();
    private final java.util.concurrent.atomic.AtomicInteger skippedXattrs = new java.util.concurrent.atomic.AtomicInteger();

    Extraction(RootedTree root) {
      this.root = root;
    }

    void entry(XattrTarInputStream tar, TarArchiveEntry e) throws IOException {
      String rel = RootPath.clean(e.getName(), noun);
      if (rel.isEmpty()) {
        if (e.isDirectory() && whiteouts != Whiteouts.KEEP) {
          attributes(root.host(List.of()), e, tar.xattrs()); // a copy leaves its destination directory as it is
        }
        return;
      }
      String base = rel.substring(rel.lastIndexOf('/') + 1);
      boolean layer = whiteouts != Whiteouts.KEEP;
      if (whiteouts == Whiteouts.DELETE && base.startsWith(WHITEOUT) && !parentExists(rel, e.getName())) {
        return; // nothing below to delete, and no reason to make the directory
      }
      List<String> created = new ArrayList<>();
      List<String> parts = RootPath.resolve(root, rel, e.getName(), noun, true, created);
      written.addAll(created);
      List<String> parent = parts.subList(0, parts.size() - 1);
      if (layer && base.equals(OPAQUE)) {
        opaque(parent);
        return;
      }
      if (layer && base.startsWith(WHITEOUT + WHITEOUT)) {
        return; // AUFS bookkeeping (.wh..wh.plnk and friends), meaningless here
      }
      if (layer && base.startsWith(WHITEOUT)) {
        whiteout(parent, base.substring(WHITEOUT.length()), e.getName());
        return;
      }
      Path target = root.host(parts);
      String key = String.join("/", parts);
      if (files.pending(key)) {
        files.drain(); // the same path twice: the later entry wins, as written one after the other
      }
      boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
      boolean isDir = exists && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
      if (exists && noOverwriteDirNonDir && isDir != e.isDirectory()) {
        // Docker's words; it answers 500 too: the archive is fine, what is in the way is not
        throw new FailedPreconditionException(isDir
            ? "cannot overwrite directory \"" + root.display(parts) + "\" with non-directory \"" + e.getName() + "\""
            : "cannot overwrite non-directory \"" + root.display(parts) + "\" with directory \"" + e.getName() + "\"");
      }
      root.checkWritable(parts);
      if (exists && !(e.isDirectory() && isDir)) {
        if (root.mountPoint(parts)) {
          throw new FailedPreconditionException("cannot replace " + root.display(parts) + " with " + noun + " \""
              + e.getName() + "\": it is a mount point (device or resource busy)");
        }
        files.drain(); // what is deleted may have writes under way
        deleteRecursively(target);
      }
      written.add(key);
      if (e.isDirectory()) {
        Files.createDirectories(target);
      } else if (e.isSymbolicLink()) {
        if (e.getLinkName().indexOf('\0') >= 0) { // a GNU long link or PAX linkpath can carry one; Go refuses it too
          throw new InvalidArgumentException(noun + " \"" + e.getName() + "\": symlink target has a NUL byte");
        }
        Files.createSymbolicLink(target, Path.of(e.getLinkName()));
      } else if (e.isLink()) {
        files.drain(); // the link's target may still be being written
        hardLink(target, e);
        return;
      } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
        if (!node(target, e)) {
          written.remove(key);
          return;
        }
      } else if (isRegular(e) && tar.sparse() != null) {
        tar.sparse().unpack(tar, target, e.getName());
      } else if (isRegular(e) && e.getSize() <= ParallelFiles.MAX_FILE && whiteouts != Whiteouts.KEEP) {
        byte[] data = tar.readNBytes((int) e.getSize());
        Map<String, byte[]> xattrs = tar.xattrs();
        files.write(key, target, data, () -> attributes(target, e, xattrs));
        return;
      } else if (isRegular(e)) {
        try (OutputStream out = Files.newOutputStream(target, java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
          byte[] buf = new byte[64 * 1024]; // a large file: four times fewer writes than transferTo
          for (int n; (n = tar.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
          }
        }
      } else {
        written.remove(key);
        return;
      }
      attributes(target, e, tar.xattrs());
    }

    private boolean parentExists(String rel, String entry) throws IOException {
      int cut = rel.lastIndexOf('/');
      if (cut < 0) {
        return true;
      }
      try {
        List<String> parent = RootPath.resolve(root, rel.substring(0, cut), entry, noun, false, new ArrayList<>());
        return Files.isDirectory(root.host(parent));
      } catch (InvalidArgumentException notThere) {
        return false;
      }
    }

    private void hardLink(Path target, TarArchiveEntry e) throws IOException {
      String linkRel = RootPath.clean(e.getLinkName(), noun);
      if (linkRel.isEmpty()) {
        throw new InvalidArgumentException(noun + " \"" + e.getName() + "\": empty hard link target");
      }
      Path src = root.host(RootPath.resolve(root, linkRel, e.getName(), noun, false, new ArrayList<>()));
      if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArgumentException(noun + " \"" + e.getName() + "\": hard link target \""
            + e.getLinkName() + "\" is not a file in the " + (whiteouts == Whiteouts.KEEP ? "destination" : "layer"));
      }
      Files.createLink(target, src);
    }

    /** mknod; only root may make devices, so without the privilege they are skipped, and said so. */
    private boolean node(Path target, TarArchiveEntry e) {
      int type = e.isFIFO() ? 0010000 : e.isCharacterDevice() ? Syscalls.S_IFCHR : 0060000;
      long major = e.getDevMajor();
      long minor = e.getDevMinor();
      long dev = ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xffL) << 12) | ((major & ~0xfffL) << 32);
      try {
        Syscalls.mknod(target.toString(), type | (e.getMode() & 07777), dev);
        return true;
      } catch (Syscalls.SyscallException ex) {
        if (ex.errno == EPERM) {
          LOG.warn("skipping device node {}: not permitted to create devices", e.getName());
          return false;
        }
        throw new InvalidArgumentException(noun + " \"" + e.getName() + "\": " + ex.getMessage());
      }
    }

    private void whiteout(List<String> dir, String name, String entry) throws IOException {
      if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
        throw new InvalidArgumentException(noun + " \"" + entry + "\" is not a valid whiteout");
      }
      files.drain(); // what is hidden may have writes under way
      List<String> hiddenParts = RootPath.with(dir, name);
      Path hidden = root.host(hiddenParts);
      String key = String.join("/", hiddenParts);
      if (written.contains(key)) {
        return; // a whiteout hides lower layers only, never what this layer itself adds
      }
      deleteRecursively(hidden);
      if (whiteouts == Whiteouts.OVERLAY) {
        Syscalls.mknod(hidden.toString(), Syscalls.S_IFCHR, 0);
        written.add(key);
      }
    }

    private void opaque(List<String> dir) throws IOException {
      if (whiteouts == Whiteouts.OVERLAY) {
        Syscalls.lsetxattr(root.host(dir).toString(), "trusted.overlay.opaque",
            "y".getBytes(StandardCharsets.US_ASCII));
      } else {
        pruneOlder(dir);
      }
    }

    /** Deletes whatever below {@code dir} an earlier layer put there. */
    private void pruneOlder(List<String> dir) throws IOException {
      files.drain();
      List<Path> children;
      try (Stream<Path> s = Files.list(root.host(dir))) {
        children = s.toList();
      }
      for (Path c : children) {
        List<String> parts = RootPath.with(dir, c.getFileName().toString());
        if (!written.contains(String.join("/", parts))) {
          deleteRecursively(c);
        } else if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
          pruneOlder(parts);
        }
      }
    }

    private void attributes(Path target, TarArchiveEntry e, Map<String, byte[]> xattrs) throws IOException {
      int uid = owner != null ? owner.uid() : (int) e.getLongUserId();
      int gid = owner != null ? owner.gid() : (int) e.getLongGroupId();
      Files.setAttribute(target, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(target, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      xattrs(target, e.getName(), xattrs); // after chown, which drops security.capability
      if (e.isSymbolicLink()) {
        return;
      }
      // after chown, which clears set-id bits
      Files.setAttribute(target, "unix:mode", e.getMode() & 07777);
      FileTime mtime = FileTime.from(e.getLastModifiedDate().toInstant());
      if (e.isDirectory()) {
        // last, as entries below change it; and only on this directory: a later entry may have
        // put a symlink (to anywhere) or a FIFO (which would block an open) in its place
        Object made = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        dirTimes.add(() -> setDirTime(target, made, mtime));
      } else if (isRegular(e)) {
        setTime(target, mtime);
      }
    }

    /**
     * Sets the entry's attributes, raw bytes as the layer has them. One the file system refuses
     * (a namespace it does not keep, one this file type cannot have, a value it rejects) is skipped
     * with a warning and the layer goes on, as in Docker and containerd; so is overlayfs' own.
     */
    private void xattrs(Path target, String entry, Map<String, byte[]> xattrs) {
      for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
        String name = x.getKey();
        if (LayerXattrs.overlayOwn(name)) {
          skipped(entry, name, "overlayfs' own attribute; whiteout entries say what it would");
          continue;
        }
        try {
          Syscalls.lsetxattr(target.toString(), name, x.getValue());
        } catch (Syscalls.SyscallException ex) {
          if (!REFUSED.contains(ex.errno)) { // the disk's trouble (ENOSPC, EIO, EDQUOT), not the layer's
            throw new IllegalStateException("layer entry \"" + entry + "\": cannot set extended attribute "
                + name + ": " + ex.getMessage(), ex);
          }
          skipped(entry, name, ex.getMessage());
        }
      }
    }

    private void skipped(String entry, String name, String why) {
      if (skippedXattrs.incrementAndGet() <= MAX_XATTR_WARNINGS) {
        LOG.warn("layer entry {}: extended attribute {} not restored: {}", entry, name, why);
      }
    }

    /** Waits for the writes still under way, whatever became of them (a failure was thrown already). */
    void settle() {
      try {
        files.drain();
      } catch (IOException | RuntimeException ignored) {
        // the extraction failed or succeeded on its own account
      }
    }

    void finish() throws IOException {
      files.drain();
      for (int i = dirTimes.size() - 1; i >= 0; i--) {
        dirTimes.get(i).run();
      }
      if (skippedXattrs.get() > MAX_XATTR_WARNINGS) {
        LOG.warn("{} more extended attributes of the layer not restored", skippedXattrs.get() - MAX_XATTR_WARNINGS);
      }
    }
  }

  /** commons-compress calls every non-directory a file, FIFOs and devices included. */
  static boolean isRegular(TarArchiveEntry e) {
    return e.isFile() && !e.isDirectory() && !e.isSymbolicLink() && !e.isLink() && !e.isCharacterDevice()
        && !e.isBlockDevice() && !e.isFIFO();
  }

  /** Sets the mtime of {@code p} itself (utimensat without following a link; nothing opened). */
  private static void setTime(Path p, FileTime t) {
    try {
      Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
    } catch (IOException ignored) {
      // times are cosmetic
    }
  }

  /** Sets a directory's mtime if {@code p} is still the directory {@code made} (its file key). */
  private static void setDirTime(Path p, Object made, FileTime t) {
    try {
      BasicFileAttributes now = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (now.isDirectory() && now.fileKey() != null && now.fileKey().equals(made)) {
        setTime(p, t);
      }
    } catch (IOException gone) {
      // replaced or deleted by a later entry: its time is that entry's
    }
  }

  /** Normalises an entry name to a relative path inside a root; refuses names that climb out. */
  public static String clean(String name) {
    return RootPath.clean(name);
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

  /** Deletes a directory tree without following symlinks; for callers outside the package. */
  public static void deleteTree(Path p) {
    try {
      deleteRecursively(p);
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + p, e);
    }
  }

  /** Counts the uncompressed bytes, which is the layer's size. */
  private static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
