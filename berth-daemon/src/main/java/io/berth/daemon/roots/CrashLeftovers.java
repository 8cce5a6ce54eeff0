package io.berth.daemon.roots;

import io.berth.store.Stores;
import io.berth.store.content.FileContentStore;
import io.berth.store.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reclaims what a daemon killed in the middle of its work left in the data root: the stores'
 * unfinished ingests, staged layers and half-written records, blobs and layers of images never
 * recorded, the data root's {@code tmp} (build contexts and steps' scratch with the mounts they
 * held, push scratch) and the built-in registry's unfinished ingests. Run once at start, under
 * the data root's lock and before the API listens, so nothing it deletes can be in use.
 */
public final class CrashLeftovers {
  private static final Logger LOG = LoggerFactory.getLogger(CrashLeftovers.class);
  private static final long MIB = 1024 * 1024;

  private CrashLeftovers() {}

  /**
   * What a service left behind that only the service knows how to find (a build's snapshots),
   * handed in by the wiring so that this start-up housekeeping needs no service above it.
   */
  public record Step(String what, Runnable reclaim) {}

  /**
   * {@code registryStorage}: the storage of the registry this daemon serves when it lies under
   * the data root (then the lock covers it too), else null. {@code services}: run after the
   * stores' and the scratch's reclaim, in order. What cannot be reclaimed is named in a warning
   * and kept: housekeeping never stops a daemon from starting.
   */
  public static void reclaim(Path dataRoot, Stores stores, Path registryStorage, List<Step> services) {
    long freed = attempt("the stores' unfinished writes and unreferenced content", stores::reclaimLeftovers)
        + attempt(dataRoot.resolve("tmp").toString(), () -> emptyScratch(dataRoot.resolve("tmp"), stores.snapshotter()));
    for (Step step : services) {
      freed += attempt(step.what(), () -> {
        step.reclaim().run();
        return 0L;
      });
    }
    if (registryStorage != null && Files.isDirectory(registryStorage.resolve("ingest"))) {
      freed += attempt("the registry's unfinished ingests", () -> new FileContentStore(registryStorage).removeIngests());
    }
    if (freed > 0) {
      LOG.info("reclaimed {} MiB of unfinished downloads, loads and scratch files in {}", (freed + MIB - 1) / MIB,
          dataRoot);
    }
  }

  /** One step; its failure is named and the next step runs. */
  private static long attempt(String what, Callable<Long> step) {
    try {
      return step.call();
    } catch (Exception e) {
      LOG.warn("could not reclaim {} that an interrupted daemon left: {}", what, e.getMessage());
      return 0;
    }
  }

  /**
   * Deletes everything under {@code tmp}, first unmounting what a build mounted there; never
   * crosses into another file system, so a mount that will not go keeps what is under it.
   */
  private static long emptyScratch(Path tmp, Snapshotter snapshotter) throws IOException {
    if (!Files.isDirectory(tmp)) {
      return 0;
    }
    Object device = Files.getAttribute(tmp, "unix:dev");
    List<Path> entries;
    try (Stream<Path> s = Files.list(tmp)) {
      entries = s.toList();
    }
    // unmount first: a directory being walked is already open, and would be listed from the mount
    for (Path entry : entries) {
      for (Path mountPoint : mountPoints(entry, device)) {
        snapshotter.unmount(mountPoint);
      }
    }
    long[] freed = {0};
    for (Path entry : entries) {
      Files.walkFileTree(entry, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          if (!device.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
            LOG.warn("keeping {}: something is mounted there and would not unmount", dir);
            return FileVisitResult.SKIP_SUBTREE;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          freed[0] += attrs.size();
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException failed) throws IOException {
          if (failed != null) {
            throw failed;
          }
          try {
            Files.delete(dir);
          } catch (DirectoryNotEmptyException keptMount) {
            // holds a mount kept above
          }
          return FileVisitResult.CONTINUE;
        }
      });
    }
    return freed[0];
  }

  /** The directories under {@code entry} on another file system than {@code device}: mount points. */
  private static List<Path> mountPoints(Path entry, Object device) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(entry, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (!device.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
          found.add(dir); // unmounting it detaches whatever is mounted below it too
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return found;
  }
}
