package io.berth.daemon.container;

import io.berth.store.snapshot.Snapshotter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Opens a container's files for {@code docker cp}, {@code export} and {@code diff}, running or
 * not. A running container's root file system is mounted already; a stopped one's is mounted
 * (and its volumes acquired, named and anonymous ones created as Docker does at create) for the
 * operation and released when the last user closes it. While anyone holds it open, a container
 * that exits keeps its mount: the exit's teardown leaves it to the last {@link Opened#close}.
 * Counts are kept under the container's monitor, as every other state change is.
 */
public final class ContainerFilesystems {
  private final Snapshotter snapshotter;
  private final ContainerPaths paths;
  private final MountPlanner mounts;
  private final ContainerRepository repo;
  private final Map<String, Integer> users = new java.util.concurrent.ConcurrentHashMap<>();

  ContainerFilesystems(Snapshotter snapshotter, ContainerPaths paths, MountPlanner mounts, ContainerRepository repo) {
    this.snapshotter = snapshotter;
    this.paths = paths;
    this.mounts = mounts;
    this.repo = repo;
  }

  /** A container's root file system and mounts, held until closed. */
  public final class Opened implements AutoCloseable {
    private final Container c;
    private final List<FsMount> fsMounts;
    private boolean closed;

    private Opened(Container c, List<FsMount> fsMounts) {
      this.c = c;
      this.fsMounts = fsMounts;
    }

    public Container container() {
      return c;
    }

    /** The mounted overlay (image layers plus what the container wrote), without its mounts. */
    public Path rootfs() {
      return paths.rootfs(c.id);
    }

    /** Volumes, binds, tmpfs and the sandbox files (hosts, hostname, resolv.conf), as the container sees them. */
    public List<FsMount> mounts() {
      return fsMounts;
    }

    public boolean readOnlyRootfs() {
      return c.host().readonlyRootfs();
    }

    @Override
    public void close() {
      synchronized (c) {
        if (closed) {
          return;
        }
        closed = true;
        int left = users.merge(c.id, -1, Integer::sum);
        if (left <= 0) {
          users.remove(c.id);
          if (!live(c) && !c.removed) {
            snapshotter.unmount(paths.rootfs(c.id));
            mounts.release(c);
          }
        }
      }
    }
  }

  /** Opens {@code c}'s files; the caller closes the result. */
  public Opened open(Container c) {
    synchronized (c) {
      boolean first = !users.containsKey(c.id);
      if (first && !live(c)) {
        Path rootfs = paths.rootfs(c.id);
        snapshotter.mount(c.id, rootfs);
        try {
          mounts.plan(c, rootfs); // mounts what needs mounting, records c.mounts
          repo.save(c);
        } catch (RuntimeException e) {
          snapshotter.unmount(rootfs);
          throw e;
        }
      }
      users.merge(c.id, 1, Integer::sum);
      return new Opened(c, fsMounts(c));
    }
  }

  /** A process runs (or is frozen) on the root file system; "restarting" waits with it unmounted. */
  private static boolean live(Container c) {
    return c.state.is(ContainerStatus.RUNNING, ContainerStatus.PAUSED);
  }

  /** Whether someone holds {@code id}'s files open (its teardown must leave the mounts then). */
  boolean inUse(String id) {
    return users.containsKey(id);
  }

  private List<FsMount> fsMounts(Container c) {
    List<FsMount> out = new ArrayList<>();
    for (Container.MountPoint m : c.mounts) {
      switch (m.type()) {
        case "tmpfs" -> out.add(new FsMount(m.destination(), null, m.rw()));
        case "volume" -> out.add(new FsMount(m.destination(), volumeSource(c, m), m.rw()));
        default -> out.add(new FsMount(m.destination(), Path.of(m.source()), m.rw()));
      }
    }
    boolean host = c.host().network().host();
    if (!host) {
      sandbox(out, "/etc/hosts", c.hostsPath);
      sandbox(out, "/etc/hostname", c.hostnamePath);
    }
    sandbox(out, "/etc/resolv.conf", c.resolvConfPath);
    return out;
  }

  private static void sandbox(List<FsMount> out, String destination, String source) {
    if (source != null && Files.exists(Path.of(source))) {
      out.add(new FsMount(destination, Path.of(source), true));
    }
  }

  /** A volume's data directory, or the subpath of it a {@code --mount} named. */
  private static Path volumeSource(Container c, Container.MountPoint m) {
    Path data = Path.of(m.source());
    for (MountRequest r : c.host().mounts()) {
      if (r instanceof MountRequest.Volume v && v.target().equals(m.destination()) && v.subpath() != null
          && !v.subpath().isEmpty()) {
        Path p = io.berth.store.layer.RootPath.inChroot(data, v.subpath(), true);
        return p != null && p.startsWith(data) ? p : data;
      }
    }
    return data;
  }
}
