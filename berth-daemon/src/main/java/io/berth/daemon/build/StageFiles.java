package io.berth.daemon.build;

import io.berth.build.executor.BuildImage;
import io.berth.build.executor.ImageFiles;
import io.berth.store.image.ImageStore;
import io.berth.store.layer.LayerApplier;
import io.berth.store.layer.RootPath;
import io.berth.store.snapshot.Snapshotter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The builder's read view of a stage's (or image's) files, for COPY --from, --chown names and
 * COPY destinations: the image's layers mounted through a throw-away snapshot, released when the
 * step is done. The mounts live in the data root's tmp (closed to other users, and emptied at
 * start), never in the host's /tmp, where a killed daemon's would stay forever.
 */
final class StageFiles implements ImageFiles {
  private static final String KEY_PREFIX = "build-from-";
  private final Snapshotter snapshotter;
  private final ImageStore images;
  private final Path scratch;

  StageFiles(Snapshotter snapshotter, ImageStore images, Path scratch) {
    this.snapshotter = snapshotter;
    this.images = images;
    this.scratch = scratch;
  }

  /** Removes the throw-away snapshots of builds a killed daemon never released (their mounts went with tmp). */
  static void reclaim(Snapshotter snapshotter) {
    snapshotter.keys().stream().filter(k -> k.startsWith(KEY_PREFIX)).forEach(snapshotter::remove);
  }

  @Override
  public Mount mount(BuildImage image) {
    Path work;
    try {
      work = Files.createTempDirectory(Files.createDirectories(scratch), "copy-from-");
    } catch (IOException e) {
      throw new UncheckedIOException("making a mount point for image " + image.id().shortHex(), e);
    }
    Path target = work.resolve("rootfs");
    String key = KEY_PREFIX + UUID.randomUUID();
    try {
      snapshotter.prepare(key, images.resolve(image.id().toString()));
      snapshotter.mount(key, target);
    } catch (RuntimeException e) {
      try {
        release(key, null, work); // the mount failed: nothing shows through the target
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    AtomicBoolean closed = new AtomicBoolean();
    return new Mount() {
      @Override
      public Path root() {
        return target;
      }

      @Override
      public void close() {
        if (closed.compareAndSet(false, true)) {
          release(key, target, work);
        }
      }
    };
  }

  /**
   * Costs a mount, so the COPY planner asks only when a file's destination is ambiguous; an
   * image without layers has no directories to find.
   */
  @Override
  public boolean isDirectory(BuildImage image, String path) {
    if (image.diffIds().isEmpty()) {
      return false;
    }
    try (Mount m = mount(image)) {
      Path found = RootPath.inChroot(m.root(), path, false);
      return found != null && Files.isDirectory(found, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** Unmounts first: a scratch directory is only deleted once nothing of the image shows through it. */
  private void release(String key, Path target, Path work) {
    if (target != null) {
      snapshotter.unmount(target);
    }
    snapshotter.remove(key);
    try {
      LayerApplier.deleteTree(work);
    } catch (UncheckedIOException ignored) {
      // an empty scratch directory: the next start empties tmp
    }
  }
}
