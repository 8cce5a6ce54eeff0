package io.berth.daemon.archive;

import io.berth.daemon.container.FsMount;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.store.layer.CopyPaths;
import io.berth.store.layer.RootPath;
import io.berth.store.layer.RootedTree;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * A container's file tree as {@code docker cp} sees it: the root file system with the volume,
 * bind and sandbox-file mounts laid over it, as Docker's container file system view shows it.
 * A path is a list of components below the container's root with no symlink and no {@code ..}
 * left in it; {@link #resolve} turns what a user typed into one, following symlinks in the
 * container's root scope (an absolute target starts again at the container's root, {@code ..}
 * stops there), so a link to {@code /etc} or {@code ../../..} lands inside the container and
 * never on the host. {@link #host} then says which host file holds it.
 */
final class ContainerView implements RootedTree {
  private final Path rootfs;
  private final List<FsMount> mounts;
  private final boolean readOnlyRoot;

  ContainerView(Path rootfs, List<FsMount> mounts, boolean readOnlyRoot) {
    this.rootfs = rootfs;
    // the innermost mount wins: -v a:/data -v b:/data/sub puts /data/sub/x in b
    this.mounts = mounts.stream().sorted(Comparator.comparingInt((FsMount m) -> m.parts().size()).reversed())
        .toList();
    this.readOnlyRoot = readOnlyRoot;
  }

  /** The host file holding {@code parts}. */
  @Override
  public Path host(List<String> parts) {
    FsMount m = mountOf(parts);
    Path p = m == null || m.tmpfs() ? rootfs : m.source();
    for (int i = m == null || m.tmpfs() ? 0 : m.parts().size(); i < parts.size(); i++) {
      p = p.resolve(parts.get(i));
    }
    return p;
  }

  /** The mount holding {@code parts}, or null for the root file system. */
  FsMount mountOf(List<String> parts) {
    for (FsMount m : mounts) {
      List<String> d = m.parts();
      if (parts.size() >= d.size() && parts.subList(0, d.size()).equals(d)) {
        return m;
      }
    }
    return null;
  }

  @Override
  public boolean mountPoint(List<String> parts) {
    return mounts.stream().anyMatch(m -> m.parts().equals(parts));
  }

  /**
   * Refuses a write at {@code parts} where the container could not write either, with Docker's
   * words: a read-only volume or bind mount, or the root file system of a {@code --read-only}
   * container. A tmpfs is refused too: its content lives only in the running container.
   */
  @Override
  public void checkWritable(List<String> parts) {
    FsMount m = mountOf(parts);
    if (m == null) {
      if (readOnlyRoot) {
        throw new InvalidArgumentException("container rootfs is marked read-only");
      }
      return;
    }
    if (m.tmpfs()) {
      throw new InvalidArgumentException(path(parts) + " is on the tmpfs mounted at " + m.destination()
          + ", which only the running container sees; copy it from inside the container instead");
    }
    if (!m.rw()) {
      throw new InvalidArgumentException("mounted volume is marked read-only");
    }
  }

  @Override
  public String display(List<String> parts) {
    return path(parts);
  }

  static String path(List<String> parts) {
    return "/" + String.join("/", parts);
  }

  /**
   * Resolves {@code path} (absolute or relative to the root; cleaned lexically first, as Docker
   * joins it to "/") in the container's root scope. Symlinks in every component but the last
   * are followed; the last is followed too with {@code followLast}. Missing components throw
   * NoSuchFileException unless {@code lenient}, which appends them unresolved (how Docker reports
   * a dangling link's target); a non-directory in the middle throws NotDirectoryException. Both
   * name the container path.
   */
  List<String> resolve(String path, boolean followLast, boolean lenient) throws IOException {
    RootPath.Options how = new RootPath.Options(followLast ? RootPath.Last.FOLLOW : RootPath.Last.NOFOLLOW,
        lenient ? RootPath.Missing.APPEND : RootPath.Missing.FAIL, false);
    try {
      return RootPath.resolve(this, CopyPaths.clean(path), how, null);
    } catch (RootPath.Unresolved u) {
      String at = path(u.parts());
      throw switch (u.why()) {
        case MISSING -> new NoSuchFileException(at);
        case NOT_A_DIRECTORY -> new NotDirectoryException(at);
        case LOOP -> new FileSystemException(at, null, "too many levels of symbolic links");
        case LEAVES_ROOT -> new FileSystemException(at, null, "a symlink leads out of the root"); // clamped here
      };
    }
  }
}
