package io.berth.daemon.build;

import io.berth.store.image.Image;
import io.berth.store.layer.RootPath;
import io.berth.store.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Gives COPY --from a read view of another stage's (or image's) files: the image's layers
 * mounted through a throw-away snapshot, released when the step is done. The mounts and a
 * build's other scratch directories live in the data root's tmp (closed to other users, and
 * emptied at start), never in the host's /tmp, where a killed daemon's would stay forever.
 */
final class StageFiles {
  private static final String KEY_PREFIX = "build-from-";
  private final Snapshotter snapshotter;
  private final Path scratch;
  private final Map<Path, String> mounted = new ConcurrentHashMap<>();

  StageFiles(Snapshotter snapshotter, Path scratch) {
    this.snapshotter = snapshotter;
    this.scratch = scratch;
  }

  /** A new, private scratch directory for one step. */
  Path scratchDir(String prefix) throws IOException {
    return Files.createTempDirectory(Files.createDirectories(scratch), prefix);
  }

  /** Removes the throw-away snapshots of builds a killed daemon never released (their mounts went with tmp). */
  static void reclaim(Snapshotter snapshotter) {
    snapshotter.keys().stream().filter(k -> k.startsWith(KEY_PREFIX)).forEach(snapshotter::remove);
  }

  Path mount(Image image, Path target) {
    String key = KEY_PREFIX + UUID.randomUUID();
    snapshotter.prepare(key, image);
    snapshotter.mount(key, target);
    mounted.put(target, key);
    return target;
  }

  /**
   * Whether {@code path} (absolute) is a directory in {@code image}, looked up as the image's own
   * root would see it: symlinks on the way are followed inside the image, never onto the host.
   * Costs a mount, so the COPY planner asks only when a file's destination is ambiguous.
   */
  boolean isDirectory(Image image, String path) {
    if (image.diffIds().isEmpty()) {
      return false;
    }
    Path work = null;
    try {
      work = scratchDir("copy-dest-");
      Path root = mount(image, work.resolve("rootfs"));
      Path found = RootPath.inChroot(root, path, false);
      return found != null && Files.isDirectory(found, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("looking up " + path + " in the image", e);
    } finally {
      if (work != null) {
        release(work.resolve("rootfs"));
        deleteTree(work);
      }
    }
  }

  void release(Path target) {
    String key = mounted.remove(target);
    if (key != null) {
      snapshotter.unmount(target);
      snapshotter.remove(key);
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a scratch directory; the next build uses another
    }
  }
}
