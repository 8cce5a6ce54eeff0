package io.berth.daemon.build;

import io.berth.build.executor.BuildBackend;
import io.berth.build.executor.BuildImage;
import io.berth.build.executor.BuildRequest;
import io.berth.build.executor.DockerfileExecutor;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.image.ImageCommitter;
import io.berth.runtime.LogReader;
import io.berth.store.Stores;
import io.berth.store.image.ImageStore;
import io.berth.store.snapshot.Snapshotter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The daemon's builder: berth-build's {@link DockerfileExecutor} on the daemon's stores and
 * containers, each build under an image-store lease so that no layer a step stored is swept
 * before the image naming it is recorded.
 */
public final class DockerfileBuilder {
  private final ImageStore images;
  private final DockerfileExecutor executor;

  DockerfileBuilder(ImageStore images, DockerfileExecutor executor) {
    this.images = images;
    this.executor = executor;
  }

  /** Wires a builder from the daemon's stores and container service; {@code scratch} holds its steps' temp files. */
  public static DockerfileBuilder create(Stores stores, ContainerService containers, ImageCommitter committer,
      LogReader logs, Path scratch) {
    BuildBackend backend = new BuildBackend(new StoreBuildImages(stores.images(), committer),
        new ContainerStepRunner(containers, committer, logs), new StageFiles(stores.snapshotter(), stores.images(), scratch),
        new MetadataStepCache(stores.metadata(), stores.images()));
    return new DockerfileBuilder(stores.images(), new DockerfileExecutor(backend, scratch, Clock.systemUTC()));
  }

  /** Removes what builds a killed daemon was running left in the snapshotter; at start only. */
  public static void reclaim(Snapshotter snapshotter) {
    StageFiles.reclaim(snapshotter);
  }

  public BuildImage build(BuildRequest req, Consumer<String> out) {
    try (ImageStore.Lease lease = images.lease()) {
      return executor.build(req, out);
    }
  }
}
