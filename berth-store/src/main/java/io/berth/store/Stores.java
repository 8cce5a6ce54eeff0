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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the stores under one data root, wired to share one content store. */
public final class Stores {
  private static final Logger LOG = LoggerFactory.getLogger(Stores.class);
  private final FileContentStore content;
  private final FileMetadataStore metadata;
  private final OverlaySnapshotter snapshotter;
  private final LocalImageStore images;

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

  /**
   * Reclaims what a daemon killed in the middle of a load, pull, import or commit left here:
   * unfinished ingests and record writes, and the blobs and layers no image refers to (staged
   * layers went when the snapshotter opened). Only for the data root's sole user before it
   * takes requests, as berthd does under the root's lock. Returns the bytes of blobs freed.
   */
  public long reclaimLeftovers() {
    metadata.removeTempFiles();
    long freed = content.removeIngests();
    try {
      freed += images.removeUnreferenced();
    } catch (RuntimeException unreadable) {
      LOG.warn("keeping blobs and layers no image seems to use, since not every image could be read: {}",
          unreadable.getMessage());
    }
    return freed;
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
