package io.berth.daemon.build;

import io.berth.store.image.Image;
import io.berth.store.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Gives COPY --from a read view of another stage's (or image's) files: the image's layers
 * mounted through a throw-away snapshot, released when the step is done.
 */
final class StageFiles {
  private final Snapshotter snapshotter;
  private final Map<Path, String> mounted = new ConcurrentHashMap<>();

  StageFiles(Snapshotter snapshotter) {
    this.snapshotter = snapshotter;
  }

  Path mount(Image image, Path target) {
    String key = "build-from-" + UUID.randomUUID();
    snapshotter.prepare(key, image);
    snapshotter.mount(key, target);
    mounted.put(target, key);
    return target;
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
