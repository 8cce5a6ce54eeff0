package io.berth.daemon.archive;

import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerStatus;
import io.berth.daemon.container.ContainerFilesystems;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.events.EventBus;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.runtime.UserResolver;
import io.berth.store.layer.CopyPaths;
import io.berth.store.layer.RootedTree;
import io.berth.store.layer.TreeArchiver;
import io.berth.store.layer.LayerApplier;
import io.berth.store.snapshot.OverlayChanges;
import io.berth.store.snapshot.Snapshotter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The container file endpoints behind {@code docker cp}, {@code export} and {@code diff}, with
 * Docker's semantics: stat and archive a path (symlinks in it followed in the container's root
 * scope, the last one only when the path ends in {@code /} or {@code /.}), unpack a tar into a
 * directory (with Docker's writability rules, {@code noOverwriteDirNonDir} and
 * {@code copyUIDGID}), the whole root file system as a tar, and the changes against the image.
 * All of it works on stopped containers too, whose files are mounted for the operation.
 */
public final class ArchiveService {
  /** Paths Docker keeps in a container's hidden init layer, so {@code docker diff} never lists them. */
  static final Set<String> INIT_LAYER = Set.of("/dev/pts", "/dev/shm", "/proc", "/sys", "/.dockerenv",
      "/etc/resolv.conf", "/etc/hosts", "/etc/hostname", "/dev/console", "/etc/mtab");
  private final ContainerService containers;
  private final Snapshotter snapshotter;
  private final EventBus events;

  public ArchiveService(ContainerService containers, Snapshotter snapshotter, EventBus events) {
    this.containers = containers;
    this.snapshotter = snapshotter;
    this.events = events;
  }

  /** {@code HEAD /containers/{id}/archive}: the stat header of {@code path}. */
  public String statHeader(String ref, String path) {
    try (ContainerFilesystems.Opened fs = open(ref)) {
      return statIn(view(fs), ref, path).header();
    }
  }

  /**
   * {@code GET /containers/{id}/archive}: the caller sends {@link Archive#stat()} in the headers,
   * then streams {@link Archive#writeTo}, then closes it (which releases a stopped container's
   * files).
   */
  public Archive archive(String ref, String path) {
    ContainerFilesystems.Opened fs = open(ref);
    try {
      ContainerView view = view(fs);
      String abs = CopyPaths.absolute(path);
      PathStat stat = statIn(view, ref, abs);
      List<String> parts = resolved(view, ref, path, CopyPaths.assertsDirectory(abs));
      String rootName = CopyPaths.base(abs); // Docker's rebase name: "b", "." for b/., "/" for the root
      emit(fs.container(), "archive-path");
      return new Archive(fs, view, parts, rootName, stat);
    } catch (RuntimeException e) {
      fs.close();
      throw e;
    }
  }

  /** A resource being archived; holds the container's files open until closed. */
  public static final class Archive implements AutoCloseable {
    private final ContainerFilesystems.Opened fs;
    private final RootedTree view;
    private final List<String> parts;
    private final String rootName;
    private final PathStat stat;

    private Archive(ContainerFilesystems.Opened fs, RootedTree view, List<String> parts, String rootName,
        PathStat stat) {
      this.fs = fs;
      this.view = view;
      this.parts = parts;
      this.rootName = rootName;
      this.stat = stat;
    }

    /** The stat header of an archived path (none for an export). */
    public String statHeader() {
      return stat == null ? null : stat.header();
    }

    public void writeTo(OutputStream out) throws IOException {
      TreeArchiver.write(view, parts, rootName, out);
    }

    @Override
    public void close() {
      fs.close();
    }
  }

  /**
   * {@code PUT /containers/{id}/archive}: unpacks {@code tar} into the directory {@code path}
   * (symlinks followed, the last one too, so a link to a directory works as a destination).
   */
  public void extract(String ref, String path, boolean copyUidGid, boolean noOverwriteDirNonDir, InputStream tar) {
    try (ContainerFilesystems.Opened fs = open(ref)) {
      ContainerView view = view(fs);
      List<String> dest;
      try {
        dest = view.resolve(path, true, false);
      } catch (IOException e) {
        throw failure(e, ref, path);
      }
      if (!Files.isDirectory(view.host(dest), LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArgumentException("extraction point is not a directory");
      }
      view.checkWritable(dest);
      LayerApplier.Owner owner = copyUidGid ? owner(view, fs.container()) : null;
      LayerApplier.forCopy(noOverwriteDirNonDir, owner).apply(tar, new Destination(view, dest), false);
      emit(fs.container(), "extract-to-dir");
    }
  }

  /**
   * {@code GET /containers/{id}/export}: the root file system without its mounts (volumes are
   * not exported, as in Docker), entries named relative to the root; closing releases it.
   */
  public Archive export(String ref) {
    ContainerFilesystems.Opened fs = open(ref);
    emit(fs.container(), "export");
    return new Archive(fs, RootedTree.of(fs.rootfs()), List.of(), null, null);
  }

  /** {@code GET /containers/{id}/changes}. */
  public List<OverlayChanges.Change> changes(String ref) {
    return snapshotter.diff(containers.get(ref).id, INIT_LAYER);
  }

  private ContainerFilesystems.Opened open(String ref) {
    Container c = containers.get(ref);
    if (c.state.is(ContainerStatus.REMOVING)) {
      throw new io.berth.errdefs.ConflictException("container " + c.id + " is marked for removal");
    }
    return containers.openFiles(c);
  }

  private static ContainerView view(ContainerFilesystems.Opened fs) {
    return new ContainerView(fs.rootfs(), fs.mounts(), fs.readOnlyRootfs());
  }

  /**
   * Docker's stat: intermediate symlinks followed, the last one too only when the path asserts a
   * directory; a symlink's linkTarget is its target resolved as far as it exists.
   */
  private static PathStat statIn(ContainerView view, String ref, String path) {
    boolean dirAsserted = CopyPaths.assertsDirectory(path);
    List<String> parts = resolved(view, ref, path, dirAsserted);
    Path host = view.host(parts);
    try {
      if (dirAsserted && !Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
        throw new NotDirectoryException(ContainerView.path(parts));
      }
      String target = "";
      if (Files.isSymbolicLink(host)) {
        target = ContainerView.path(view.resolve(path, true, true));
      }
      return PathStat.of(host, CopyPaths.base(path), target);
    } catch (IOException e) {
      throw failure(e, ref, path);
    }
  }

  private static List<String> resolved(ContainerView view, String ref, String path, boolean followLast) {
    try {
      return view.resolve(path, followLast, false);
    } catch (IOException e) {
      throw failure(e, ref, path);
    }
  }

  /** Docker's answers: a missing path is 404 with its words, anything else names the path. */
  private static RuntimeException failure(IOException e, String ref, String path) {
    if (e instanceof NoSuchFileException) {
      return new NotFoundException("Could not find the file " + path + " in container " + ref);
    }
    if (e instanceof NotDirectoryException) {
      return new FailedPreconditionException("lstat " + path + ": not a directory");
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return new FailedPreconditionException(f.getFile() + ": " + f.getReason());
    }
    return new UncheckedIOException("reading " + path + " in container " + ref, e);
  }

  /**
   * {@code copyUIDGID}: everything unpacked belongs to the container's configured user (looked
   * up in the container's own passwd and group files); without a user the tar's owners stay.
   */
  private static LayerApplier.Owner owner(ContainerView view, Container c) {
    String user = c.config.path("User").asText("");
    if (user.isEmpty()) {
      return null;
    }
    UserResolver.User u = UserResolver.resolve(file(view, "/etc/passwd"), file(view, "/etc/group"), user);
    return new LayerApplier.Owner(u.uid(), u.gid());
  }

  /** A file of the container, found in its root scope; null when it is missing. */
  private static Path file(ContainerView view, String path) {
    try {
      return view.host(view.resolve(path, true, false));
    } catch (IOException e) {
      return null;
    }
  }

  private void emit(Container c, String action) {
    events.publish("container", action, c.id, Map.of("name", c.name, "image", c.imageName));
  }

  /** The destination directory of an extraction, as an extraction root over the container's view. */
  private record Destination(ContainerView view, List<String> dest) implements RootedTree {
    private List<String> in(List<String> parts) {
      List<String> out = new ArrayList<>(dest);
      out.addAll(parts);
      return out;
    }

    @Override
    public Path host(List<String> parts) {
      return view.host(in(parts));
    }

    @Override
    public void checkWritable(List<String> parts) {
      view.checkWritable(in(parts));
    }

    @Override
    public boolean mountPoint(List<String> parts) {
      return view.mountPoint(in(parts));
    }

    @Override
    public String display(List<String> parts) {
      return view.display(in(parts));
    }
  }
}
