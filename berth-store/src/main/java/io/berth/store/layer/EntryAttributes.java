package io.berth.store.layer;

import io.berth.store.os.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives extracted entries what their tar headers say besides their content: owner, extended
 * attributes, mode and time, in the order the kernel requires (chown drops
 * {@code security.capability} and set-id bits, so both come after it), never through a symlink.
 * Directory times are set last ({@link #finish}), since the entries below change them. One per
 * extraction; {@link #set} runs on the writer pool's threads too.
 */
final class EntryAttributes {
  private static final Logger LOG = LoggerFactory.getLogger(EntryAttributes.class);
  /**
   * setxattr errors that mean "not here" rather than a broken disk: EPERM, E2BIG, EINVAL, ERANGE,
   * ENOTSUP. Docker and containerd skip ENOTSUP (and moby EPERM) with a warning too.
   */
  private static final Set<Integer> REFUSED = Set.of(1, 7, 22, 34, Syscalls.ENOTSUP);
  private static final int MAX_XATTR_WARNINGS = 10;

  private final LayerApplier.Owner owner;
  private final List<Runnable> dirTimes = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger skippedXattrs = new AtomicInteger();

  /** {@code owner}: every entry's, instead of the tar's; or null. */
  EntryAttributes(LayerApplier.Owner owner) {
    this.owner = owner;
  }

  /** Sets the attributes of {@code e} (with {@code xattrs}) on {@code target}, just written. */
  void set(Path target, TarArchiveEntry e, Map<String, byte[]> xattrs) throws IOException {
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
    } else if (LayerApplier.isRegular(e)) {
      setTime(target, mtime);
    }
  }

  /** Sets the directories' times, innermost first, and says how many attributes were skipped. */
  void finish() {
    for (int i = dirTimes.size() - 1; i >= 0; i--) {
      dirTimes.get(i).run();
    }
    if (skippedXattrs.get() > MAX_XATTR_WARNINGS) {
      LOG.warn("{} more extended attributes of the layer not restored", skippedXattrs.get() - MAX_XATTR_WARNINGS);
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
}
