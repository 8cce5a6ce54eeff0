package io.berth.daemon.image;

import io.berth.daemon.container.Container;
import io.berth.errdefs.UnavailableException;
import io.berth.oci.ContainerConfig;
import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import io.berth.store.content.ContentStore;
import io.berth.store.image.Image;
import io.berth.store.image.ImageWriter;
import io.berth.store.layer.LayerDiffWriter;
import io.berth.store.snapshot.Snapshotter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes an image from a container's changes, as {@code docker commit} does and as the builder
 * does after each RUN: the container's overlay upper directory becomes a new layer on top of its
 * image's layers, and the config gets the given run-time settings and one history entry.
 */
public final class ImageCommitter {
  private final ImageWriter images;
  private final ContentStore content;
  private final Snapshotter snapshotter;

  public ImageCommitter(ImageWriter images, ContentStore content, Snapshotter snapshotter) {
    this.images = images;
    this.content = content;
    this.snapshotter = snapshotter;
  }

  /**
   * @param config    the new image's run-time settings, or null to keep the image's
   * @param createdBy the history line ({@code /bin/sh -c ...} for a build step)
   * @param tag       a name to give the result, or null
   */
  public Image commit(Container c, ContainerConfig config, String createdBy, String comment, String author,
      String tag) {
    try (ImageWriter.Lease lease = images.lease()) { // the new layer stays until the image naming it is recorded
      Image base = images.resolve(c.imageId);
      Digest diff = ingestLayer(c.id);
      return append(base, diff, config, createdBy, comment, author, tag);
    }
  }

  /** A new image: {@code base} plus one layer ({@code diff}, already in the content store). */
  public Image append(Image base, Digest diff, ContainerConfig config, String createdBy, String comment,
      String author, String tag) {
    ImageConfig bc = base.config();
    List<String> diffIds = new ArrayList<>(bc.rootfs() == null || bc.rootfs().diffIds() == null ? List.of()
        : bc.rootfs().diffIds());
    diffIds.add(diff.toString());
    List<ImageConfig.History> history = new ArrayList<>(bc.history() == null ? List.of() : bc.history());
    String now = Instant.now().toString();
    history.add(new ImageConfig.History(now, createdBy, author, comment, null));
    ImageConfig next = new ImageConfig(now, author != null ? author : bc.author(),
        bc.architecture() == null ? "amd64" : bc.architecture(), bc.os() == null ? "linux" : bc.os(),
        config != null ? config : bc.config(), new ImageConfig.RootFs("layers", diffIds), history);
    List<Digest> layers = new ArrayList<>(base.diffIds());
    layers.add(diff);
    return images.registerPulled(Json.bytes(next), layers, tag);
  }

  /** Streams the container's changes as a layer tar into the content store; returns its diff id. */
  public Digest ingestLayer(String key) {
    return ingest(snapshotter.changes(key), "committing " + key);
  }

  /** Streams a directory tree (a build's COPY staging) as a layer tar into the content store; returns its diff id. */
  public Digest ingestTree(Path tree) {
    return ingest(tree, "storing the layer of " + tree);
  }

  private Digest ingest(Path tree, String what) {
    try {
      PipedInputStream in = new PipedInputStream(1 << 20);
      PipedOutputStream out = new PipedOutputStream(in);
      RuntimeException[] failed = new RuntimeException[1];
      Thread writer = Thread.ofVirtual().start(() -> {
        try (out) {
          LayerDiffWriter.write(tree, out);
        } catch (IOException | RuntimeException e) {
          failed[0] = e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e);
        }
      });
      Digest d;
      try (InputStream src = in) {
        d = content.ingest(src, null);
      }
      writer.join();
      if (failed[0] != null) {
        throw failed[0];
      }
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while " + what);
    }
  }
}
