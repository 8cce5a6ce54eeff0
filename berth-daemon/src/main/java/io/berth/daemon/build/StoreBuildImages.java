package io.berth.daemon.build;

import io.berth.build.executor.BuildImage;
import io.berth.build.executor.BuildImages;
import io.berth.daemon.image.ImageCommitter;
import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import io.berth.store.image.Image;
import io.berth.store.image.ImageStore;
import java.nio.file.Path;

/**
 * The builder's images in the daemon's image store: bases are looked up there and, when missing
 * (or always, with {@code --pull}), pulled as the build's {@link BasePulls} says; layers go to
 * the content store, and each step's config is registered as an image.
 */
final class StoreBuildImages implements BuildImages {
  /** The pulls of the build running on this thread; unbound: bases come from the store only. */
  static final ScopedValue<BasePulls> PULLS = ScopedValue.newInstance();

  private final ImageStore images;
  private final ImageCommitter committer;

  StoreBuildImages(ImageStore images, ImageCommitter committer) {
    this.images = images;
    this.committer = committer;
  }

  static BuildImage of(Image image) {
    return new BuildImage(image.id(), image.config());
  }

  @Override
  public BuildImage resolve(String reference) {
    BasePulls pulls = PULLS.isBound() ? PULLS.get() : null;
    if (pulls != null && pulls.always() && !isId(reference)) {
      return of(pulls.pull(reference));
    }
    try {
      return of(images.resolve(reference));
    } catch (io.berth.errdefs.NotFoundException e) {
      if (pulls == null || isId(reference)) {
        throw e;
      }
      return of(pulls.pull(reference));
    }
  }

  /** An image id (full or {@code sha256:} prefixed) is never pulled: no registry knows it by that name. */
  private static boolean isId(String reference) {
    return reference.startsWith("sha256:") || reference.matches("[0-9a-f]{64}");
  }

  @Override
  public Digest storeLayer(Path tree) {
    return committer.ingestTree(tree);
  }

  @Override
  public BuildImage register(ImageConfig config) {
    return of(images.registerPulled(Json.bytes(config), BuildImage.diffIds(config), null));
  }

  @Override
  public void tag(BuildImage image, String name) {
    images.tag(image.id().toString(), name);
  }
}
