package io.berth.store.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.NotFoundException;
import io.berth.oci.ContainerConfig;
import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import io.berth.store.Stores;
import io.berth.store.layer.TarBuilder;
import io.berth.store.snapshot.OverlaySnapshotter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image store's locking: readers and unrelated writers go on while a load is under way, and
 * an image being removed never takes with it a layer that an operation in flight (a load or a
 * pull that found or stored it, but has not recorded its image yet) counts on. Interleavings are
 * forced with a gate in the archive stream and with leases, not with sleeps; a wait that would
 * never end on a store with one global lock is bounded and fails the test.
 */
class ImageLockTest {
  private static final long BOUND_SECONDS = 60;
  /** A thread per task: the common pool may have a single worker on a small machine. */
  private static final java.util.concurrent.Executor THREADS = task -> Thread.ofVirtual().start(task);
  @TempDir Path tmp;

  /** A layer larger than what a load keeps in memory: stored and unpacked as it streams by. */
  private static byte[] bigLayer(int seed) throws Exception {
    byte[] big = new byte[2 << 20];
    new Random(seed).nextBytes(big);
    return new TarBuilder().dir("data").file("data/big.bin", big, 0644).build();
  }

  /** The config of an image with these layers and this command. */
  private static byte[] config(List<Digest> diffIds, String cmd) {
    ContainerConfig cc = new ContainerConfig(null, null, null, null, List.of(cmd), null, null, null, null, null, null,
        null);
    return Json.bytes(new ImageConfig("2024-01-01T00:00:00Z", null, "amd64", "linux", cc,
        new ImageConfig.RootFs("layers", diffIds.stream().map(Digest::toString).toList()), List.of()));
  }

  /** An archive (docker save) of an image {@code b:1} whose only layer is {@code layer}. */
  private byte[] archiveOf(byte[] layer) throws Exception {
    Stores src = Stores.open(tmp.resolve("src"));
    Digest l = src.contentStore().ingest(new ByteArrayInputStream(layer), null);
    src.images().registerPulled(config(List.of(l), "b"), List.of(l), "b:1");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    src.images().save(List.of("b:1"), out);
    return out.toByteArray();
  }

  /** The stream of {@code data} that stops before its end-of-archive blocks until {@code open}. */
  private static InputStream gated(byte[] data, CountDownLatch reached, CountDownLatch open) {
    int stop = data.length - 1024; // every entry has been read; only the archive's end is left
    return new FilterInputStream(new ByteArrayInputStream(data)) {
      private int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= stop) {
          reached.countDown();
          try {
            if (!open.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
              throw new IOException("gate never opened");
            }
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
        int n = super.read(b, off, pos < stop ? Math.min(len, stop - pos) : len);
        if (n > 0) {
          pos += n;
        }
        return n;
      }
    };
  }

  private static <T> T bounded(CompletableFuture<T> f, String what) throws Exception {
    try {
      return f.get(BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + " waited for the load under way (one lock for the whole store)");
    }
  }

  private static Path layerDir(Path root, List<Digest> diffIds) {
    return root.resolve("overlay/layers").resolve(OverlaySnapshotter.chainIds(diffIds).getLast().hex());
  }

  @Test
  void readersAndOtherWritersGoOnWhileALoadIsUnderWayAndARemovalKeepsTheLayerTheLoadCountsOn() throws Exception {
    byte[] shared = bigLayer(1);
    byte[] archive = archiveOf(shared);
    Stores s = Stores.open(tmp.resolve("s"));
    ImageStore images = s.images();
    Image a = images.importRootfs(new ByteArrayInputStream(shared), new ImageStore.ImportOptions("a:1", List.of(), null, null));
    Image other = images.importRootfs(new ByteArrayInputStream(bigLayer(2)),
        new ImageStore.ImportOptions("other:1", List.of(), null, null));
    Path sharedDir = layerDir(tmp.resolve("s"), a.diffIds());

    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch open = new CountDownLatch(1);
    CompletableFuture<ImageStore.LoadResult> load = CompletableFuture.supplyAsync(
        () -> images.load(gated(archive, reached, open)));
    try {
      assertThat(reached.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("the load read its archive").isTrue();
      // the load has stored b's layer (a's, already there) and waits for the rest of its archive
      assertThat(bounded(CompletableFuture.supplyAsync(images::list, THREADS), "list")).hasSize(2);
      assertThat(bounded(CompletableFuture.supplyAsync(() -> images.resolve("other:1"), THREADS), "resolve").id())
          .isEqualTo(other.id());
      bounded(CompletableFuture.runAsync(() -> images.tag("other:1", "other:2"), THREADS), "tag");
      // a is the only recorded image with the shared layer: removing it must not delete it
      assertThat(bounded(CompletableFuture.supplyAsync(() -> images.remove("a:1", false, id -> false), THREADS), "rmi"))
          .extracting(ImageStore.DeleteItem::deleted).contains(a.id().toString());
      assertThatThrownBy(() -> images.resolve("a:1")).isInstanceOf(NotFoundException.class);
      assertThat(sharedDir.resolve("diff/data/big.bin")).exists();
      assertThat(s.contentStore().exists(a.layers().getFirst())).isTrue();
    } finally {
      open.countDown();
    }
    ImageStore.LoadResult r = load.get(BOUND_SECONDS, TimeUnit.SECONDS);
    Image b = r.images().getFirst();
    assertThat(b.layers()).isEqualTo(a.layers());
    assertThat(images.resolve("b:1").id()).isEqualTo(b.id());
    assertThat(s.contentStore().exists(b.layers().getFirst())).isTrue();
    assertThat(Files.size(sharedDir.resolve("diff/data/big.bin"))).isEqualTo(2 << 20);
    // once the load ended, what the removal left unused went: a's config and manifest
    assertThat(s.contentStore().exists(a.id())).isFalse();
    assertThat(s.contentStore().exists(a.manifestDigest())).isFalse();
    assertThat(images.resolve("other:2").id()).isEqualTo(other.id());
  }

  @Test
  void aPullInFlightKeepsWhatItFoundAndUnpackedThroughARemovalAPruneAndAFailedLoad() throws Exception {
    byte[] shared = bigLayer(3);
    Stores s = Stores.open(tmp.resolve("s"));
    ImageStore images = s.images();
    Image a = images.importRootfs(new ByteArrayInputStream(shared), new ImageStore.ImportOptions(null, List.of(), null, null));
    Path sharedDir = layerDir(tmp.resolve("s"), a.diffIds());
    byte[] own = bigLayer(4);
    Image b;
    try (ImageStore.Lease pull = images.lease()) {
      // the pull finds a's layer stored ("Already exists") and stores and unpacks one of its own
      Digest found = s.contentStore().ingest(new ByteArrayInputStream(shared), a.layers().getFirst());
      Digest mine = s.contentStore().ingest(new ByteArrayInputStream(own), null);
      List<Digest> layers = List.of(found, mine);
      images.unpackLayer(layers, 0);
      images.unpackLayer(layers, 1);
      // meanwhile: a (dangling) is pruned, and a load fails and cleans up after itself
      assertThat(images.prune(false, id -> false).deleted()).extracting(ImageStore.DeleteItem::deleted)
          .containsExactly(a.id().toString());
      assertThatThrownBy(() -> images.load(new ByteArrayInputStream(new TarBuilder().file("junk", "x", 0644).build())))
          .isInstanceOf(io.berth.errdefs.InvalidArgumentException.class);
      assertThat(sharedDir).exists();
      assertThat(layerDir(tmp.resolve("s"), layers)).exists();
      assertThat(s.contentStore().exists(found)).isTrue();
      b = images.registerPulled(config(layers, "b"), layers, "b:1");
    }
    assertThat(images.list()).extracting(Image::id).containsExactly(b.id());
    assertThat(sharedDir.resolve("diff/data/big.bin")).exists();
    assertThat(layerDir(tmp.resolve("s"), b.diffIds()).resolve("diff/data/big.bin")).exists();
    assertThat(s.contentStore().exists(a.id())).as("the pruned image's config went once the pull ended").isFalse();
    // and the store as a restart sees it agrees
    assertThat(Stores.open(tmp.resolve("s")).images().list()).extracting(Image::id).containsExactly(b.id());
  }

  @Test
  void aRemovalUnpublishesAtOnceAndDeletesTheFilesWhenNoOperationIsUnderWay() throws Exception {
    Stores s = Stores.open(tmp.resolve("s"));
    ImageStore images = s.images();
    Image a = images.importRootfs(new ByteArrayInputStream(bigLayer(5)), new ImageStore.ImportOptions("a:1", List.of(), null, null));
    Path dir = layerDir(tmp.resolve("s"), a.diffIds());
    try (ImageStore.Lease load = images.lease()) {
      images.remove("a:1", false, id -> false);
      assertThat(images.list()).isEmpty();
      assertThat(dir).as("deleted only when the operation under way ends").exists();
    }
    assertThat(dir).doesNotExist();
    assertThat(s.contentStore().list()).isEmpty();
    // the directory, taken out of use at once, is deleted on a thread of its own (its lease holder does not wait)
    Path layers = tmp.resolve("s/overlay/layers");
    for (int i = 0; i < 600 && layers.toFile().list().length > 0; i++) {
      Thread.sleep(100);
    }
    assertThat(layers.toFile().list()).isEmpty();
  }
}
