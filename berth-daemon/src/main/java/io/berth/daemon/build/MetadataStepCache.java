package io.berth.daemon.build;

import io.berth.build.executor.BuildImage;
import io.berth.build.executor.StepCache;
import io.berth.store.image.ImageStore;
import io.berth.store.meta.MetadataStore;
import java.nio.charset.StandardCharsets;

/**
 * The daemon's build cache: step key to image id in the metadata store, so it outlives restarts.
 * An entry whose image was removed is a miss; every image recorded is marked an intermediate,
 * which {@code docker images} hides as Docker does.
 */
final class MetadataStepCache implements StepCache {
  private static final String BUCKET = "build-cache";
  private final MetadataStore meta;
  private final ImageStore images;
  private final Intermediates intermediates;

  MetadataStepCache(MetadataStore meta, ImageStore images) {
    this.meta = meta;
    this.images = images;
    this.intermediates = new Intermediates(meta);
  }

  @Override
  public BuildImage lookup(String key) {
    return meta.get(BUCKET, key).map(b -> {
      try {
        return StoreBuildImages.of(images.resolve(new String(b, StandardCharsets.UTF_8)));
      } catch (RuntimeException gone) {
        return null;
      }
    }).orElse(null);
  }

  @Override
  public void record(String key, BuildImage image) {
    meta.put(BUCKET, key, image.id().toString().getBytes(StandardCharsets.UTF_8));
    intermediates.mark(image.id().toString());
  }
}
