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
 * such as file capabilities byte for byte; {@link EntryAttributes} sets them). Sparse files
 * ({@code tar -S}, GNU and PAX formats) keep their holes: only the data regions are written.
 * The same extraction serves {@code docker cp} into a container ({@link #forCopy}): there names
 * starting with {@code .wh.} are ordinary files, the root entry is skipped, owners may be
 * overridden, and Docker's {@code noOverwriteDirNonDir} rule applies.
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
    private final ParallelFiles files = new ParallelFiles();
    private final EntryAttributes attributes = new EntryAttributes(owner);

    Extraction(RootedTree root) {
      this.root = root;
    }

    void entry(XattrTarInputStream tar, TarArchiveEntry e) throws IOException {
      String rel = RootPath.clean(e.getName(), noun);
      if (rel.isEmpty()) {
        if (e.isDirectory() && whiteouts != Whiteouts.KEEP) {
          attributes.set(root.host(List.of()), e, tar.xattrs()); // a copy leaves its destination directory as it is
        }
        return;
      }
      String base = rel.substring(rel.lastIndexOf('/') + 1);
      boolean layer = whiteouts != Whiteouts.KEEP;
      if (whiteouts == Whiteouts.DELETE && base.startsWith(WHITEOUT) && !parentExists(rel, e.getName())) {
        return; // nothing below to delete, and no reason to make the directory
      }
      List<String> created = new ArrayList<>();
      List<String> parts = resolve(rel, e.getName(), RootPath.Missing.CREATE, created);
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
        files.write(key, target, data, () -> attributes.set(target, e, xattrs));
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
      attributes.set(target, e, tar.xattrs());
    }

    private boolean parentExists(String rel, String entry) throws IOException {
      int cut = rel.lastIndexOf('/');
      if (cut < 0) {
        return true;
      }
      try {
        List<String> parent = resolve(rel.substring(0, cut), entry, RootPath.Missing.FAIL, null);
        return Files.isDirectory(root.host(parent));
      } catch (InvalidArgumentException notThere) {
        return false;
      }
    }

    /**
     * Where {@code rel} (cleaned, not empty) of {@code entry} really is below the root: parents
     * followed through in-root symlinks ({@code missing} ones made or refused), the last taken as
     * named; a way out of the root is refused, never clamped.
     */
    private List<String> resolve(String rel, String entry, RootPath.Missing missing, List<String> created)
        throws IOException {
      try {
        return RootPath.resolve(root, List.of(rel.split("/")),
            new RootPath.Options(RootPath.Last.UNCHECKED, missing, true), created);
      } catch (RootPath.Unresolved u) {
        String at = String.join("/", u.parts());
        throw new InvalidArgumentException(noun + " \"" + entry + "\"" + switch (u.why()) {
          case LEAVES_ROOT -> " would be written through a symlink that leaves the root; refusing";
          case LOOP -> ": too many levels of symbolic links";
          case MISSING -> ": " + at + " does not exist";
          case NOT_A_DIRECTORY -> ": " + at + " is not a directory";
        });
      }
    }

    private void hardLink(Path target, TarArchiveEntry e) throws IOException {
      String linkRel = RootPath.clean(e.getLinkName(), noun);
      if (linkRel.isEmpty()) {
        throw new InvalidArgumentException(noun + " \"" + e.getName() + "\": empty hard link target");
      }
      Path src = root.host(resolve(linkRel, e.getName(), RootPath.Missing.FAIL, null));
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
      attributes.finish();
    }
  }

  /** commons-compress calls every non-directory a file, FIFOs and devices included. */
  static boolean isRegular(TarArchiveEntry e) {
    return e.isFile() && !e.isDirectory() && !e.isSymbolicLink() && !e.isLink() && !e.isCharacterDevice()
        && !e.isBlockDevice() && !e.isFIFO();
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
