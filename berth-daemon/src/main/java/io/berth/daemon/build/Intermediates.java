package io.berth.daemon.build;

import io.berth.store.meta.MetadataStore;

/**
 * The images build steps produced on the way to a result. {@code docker images} hides them as
 * Docker hides its intermediate images (they show with {@code -a}); they stay in the store as
 * the build cache.
 */
public final class Intermediates {
  private static final String BUCKET = "build-intermediate";
  private final MetadataStore meta;

  public Intermediates(MetadataStore meta) {
    this.meta = meta;
  }

  void mark(String imageId) {
    meta.put(BUCKET, hex(imageId), new byte[] {1});
  }

  public boolean contains(String imageId) {
    return meta.get(BUCKET, hex(imageId)).isPresent();
  }

  private static String hex(String id) {
    return id.startsWith("sha256:") ? id.substring(7) : id;
  }
}
