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
 * The builder's images in the daemon's image store: bases are looked up there (never pulled, as
 * the classic builder of a daemon without registry access), layers go to the content store, and
 * each step's config is registered as an image.
 */
final class StoreBuildImages implements BuildImages {
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
    return of(images.resolve(reference));
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
