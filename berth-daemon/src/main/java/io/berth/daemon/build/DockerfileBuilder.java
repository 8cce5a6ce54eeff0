package io.berth.daemon.build;

import io.berth.build.context.ContextArchive;
import io.berth.build.executor.BuildBackend;
import io.berth.build.executor.BuildImage;
import io.berth.build.executor.BuildRequest;
import io.berth.build.executor.DockerfileExecutor;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.events.EventBus;
import io.berth.daemon.image.ImageCommitter;
import io.berth.runtime.LogReader;
import io.berth.store.Stores;
import io.berth.store.image.ImageStore;
import io.berth.store.snapshot.Snapshotter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The daemon's builder: berth-build's {@link DockerfileExecutor} on the daemon's stores and
 * containers, each build under an image-store lease so that no layer a step stored is swept
 * before the image naming it is recorded. It unpacks the context a client sends (under the
 * scratch directory, gone when the build is) and announces each image it builds.
 */
public final class DockerfileBuilder {
  private final ImageStore images;
  private final DockerfileExecutor executor;
  private final Path scratch;
  private final EventBus events;
  private volatile Outcomes outcomes = (ok, nanos) -> { };

  DockerfileBuilder(ImageStore images, DockerfileExecutor executor, Path scratch, EventBus events) {
    this.images = images;
    this.executor = executor;
    this.scratch = scratch;
    this.events = events;
  }

  /**
   * Wires a builder from the daemon's stores and container service; {@code scratch} holds its
   * steps' temp files and the contexts it unpacks.
   */
  public static DockerfileBuilder create(Stores stores, ContainerService containers, ImageCommitter committer,
      LogReader logs, Path scratch, EventBus events) {
    BuildBackend backend = new BuildBackend(new StoreBuildImages(stores.images(), committer),
        new ContainerStepRunner(containers, committer, logs), new StageFiles(stores.snapshotter(), stores.images(), scratch),
        new MetadataStepCache(stores.metadata(), stores.images()));
    return new DockerfileBuilder(stores.images(), new DockerfileExecutor(backend, scratch, Clock.systemUTC()), scratch,
        events);
  }

  /** Removes what builds a killed daemon was running left in the snapshotter; at start only. */
  public static void reclaim(Snapshotter snapshotter) {
    StageFiles.reclaim(snapshotter);
  }

  /** A build context unpacked for one build; closing it deletes it. */
  public record Context(Path dir) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Unpacks a context tar (plain or compressed) for a build; a bad archive fails here, before any step. */
  public Context unpack(InputStream tar) throws IOException {
    Context context = new Context(Files.createTempDirectory(Files.createDirectories(scratch), "build-"));
    try {
      ContextArchive.extract(tar, context.dir());
    } catch (RuntimeException e) {
      try {
        context.close();
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    return context;
  }

  /** Builds {@code req} (its context unpacked by {@link #unpack}), streaming steps' output to {@code out}. */
  public BuildImage build(BuildRequest req, Consumer<String> out) {
    return build(req, out, null);
  }

  /** As {@link #build(BuildRequest, Consumer)}, pulling missing bases as {@code pulls} says (null: never). */
  public BuildImage build(BuildRequest req, Consumer<String> out, BasePulls pulls) {
    BuildImage img;
    long began = System.nanoTime();
    boolean ok = false;
    try (ImageStore.Lease lease = images.lease()) {
      img = pulls == null ? executor.build(req, out)
          : ScopedValue.where(StoreBuildImages.PULLS, pulls).call(() -> executor.build(req, out));
      ok = true;
    } finally {
      outcomes.built(ok, System.nanoTime() - began);
    }
    events.publish("image", "build", img.id().toString(), Map.of());
    return img;
  }

  /** Hears how each build ended and how long it took (nanoseconds): metrics. */
  @FunctionalInterface
  public interface Outcomes {
    void built(boolean ok, long nanos);
  }

  public void observe(Outcomes outcomes) {
    this.outcomes = outcomes;
  }
}
