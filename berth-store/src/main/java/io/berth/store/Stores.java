package io.berth.store;

import io.berth.store.content.ContentStore;
import io.berth.store.content.FileContentStore;
import io.berth.store.image.ImageStore;
import io.berth.store.image.LocalImageStore;
import io.berth.store.meta.FileMetadataStore;
import io.berth.store.meta.MetadataStore;
import io.berth.store.snapshot.OverlaySnapshotter;
import io.berth.store.snapshot.Snapshotter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the stores under one data root, wired to share one content store. */
public final class Stores {
  private final ContentStore content;
  private final MetadataStore metadata;
  private final OverlaySnapshotter snapshotter;
  private final ImageStore images;

  private Stores(Path dataRoot) {
    try {
      Files.createDirectories(dataRoot.resolve("tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException("creating " + dataRoot, e);
    }
    this.content = new FileContentStore(dataRoot.resolve("content"));
    this.metadata = new FileMetadataStore(dataRoot.resolve("metadata"));
    this.snapshotter = new OverlaySnapshotter(dataRoot.resolve("overlay"), content);
    this.images = new LocalImageStore(content, metadata, snapshotter);
  }

  public static Stores open(Path dataRoot) {
    return new Stores(dataRoot);
  }

  public ContentStore contentStore() {
    return content;
  }

  public MetadataStore metadata() {
    return metadata;
  }

  public Snapshotter snapshotter() {
    return snapshotter;
  }

  public ImageStore images() {
    return images;
  }
}
