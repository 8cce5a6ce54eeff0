package io.berth.daemon.build;

import io.berth.oci.Digest;
import io.berth.store.image.Image;
import io.berth.store.image.ImageReader;
import io.berth.store.meta.MetadataStore;
import java.nio.charset.StandardCharsets;

/**
 * The build cache: (parent image, instruction and its inputs) → the image the step produced.
 * Inputs include the expanded arguments, the ARG values a RUN sees and the content hash of what a
 * COPY copies, so changing one source file misses from its COPY on. An entry whose image was
 * removed is a miss.
 */
final class BuildCache {
  private static final String BUCKET = "build-cache";
  private final MetadataStore meta;
  private final ImageReader images;
  private final Intermediates intermediates;

  BuildCache(MetadataStore meta, ImageReader images) {
    this.meta = meta;
    this.images = images;
    this.intermediates = new Intermediates(meta);
  }

  static String key(String parent, String step) {
    return Digest.sha256((parent + "\n" + step).getBytes(StandardCharsets.UTF_8)).hex();
  }

  Image get(String key) {
    return meta.get(BUCKET, key).map(b -> {
      try {
        return images.resolve(new String(b, StandardCharsets.UTF_8));
      } catch (RuntimeException gone) {
        return null;
      }
    }).orElse(null);
  }

  void put(String key, Image image) {
    meta.put(BUCKET, key, image.id().toString().getBytes(StandardCharsets.UTF_8));
    intermediates.mark(image.id().toString());
  }
}
