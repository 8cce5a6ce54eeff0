package io.berth.store.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.NotFoundException;
import io.berth.oci.Digest;
import io.berth.store.content.FileContentStore;
import io.berth.store.layer.TarBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is particular to overlay (where layers and upper dirs live, unpacking once per chain id,
 * deep images); the contract itself is {@link SnapshotterConformance}. Real overlayfs mounts (the
 * tests run as root, as berthd does).
 */
class OverlaySnapshotterTest {
  @TempDir Path tmp;
  private final List<Path> mounts = new ArrayList<>();
  private FileContentStore content;
  private OverlaySnapshotter snapshotter;

  @AfterEach
  void unmountAll() {
    mounts.forEach(m -> snapshotter.unmount(m));
  }

  private void open() {
    content = new FileContentStore(tmp.resolve("content"));
    snapshotter = new OverlaySnapshotter(tmp.resolve("overlay"), content);
  }

  /** Layer tars stored in the content store, as the image store stores them. */
  private RootfsLayers image(byte[]... layers) {
    List<Digest> ds = new ArrayList<>();
    for (byte[] l : layers) {
      ds.add(content.ingest(new ByteArrayInputStream(l), null));
    }
    return RootfsLayers.of(ds);
  }

  private Path mount(String key) {
    Path m = tmp.resolve("mnt-" + key);
    mounts.add(m);
    snapshotter.mount(key, m);
    return m;
  }

  @Test
  void containerWritesLandInItsUpperDirAndLayersStayUntouched() throws Exception {
    open();
    RootfsLayers img = image(TarBuilder.busyboxRootfs(),
        new TarBuilder().file("etc/motd", "layer two\n", 0644).file("etc/.wh.passwd", "", 0644).build());
    String key = "c-" + UUID.randomUUID();
    snapshotter.prepare(key, img);
    Path rootfs = mount(key);
    assertThat(Files.isExecutable(rootfs.resolve("bin/busybox"))).isTrue();
    assertThat(Files.readString(rootfs.resolve("etc/motd"))).isEqualTo("layer two\n");
    assertThat(Files.exists(rootfs.resolve("etc/passwd"), LinkOption.NOFOLLOW_LINKS)).as("whited out").isFalse();
    Files.writeString(rootfs.resolve("tmp/new"), "written by the container");
    Path upper = tmp.resolve("overlay/containers").resolve(key).resolve("upper");
    assertThat(Files.readString(upper.resolve("tmp/new"))).isEqualTo("written by the container");
    assertThat(snapshotter.usage(key)).isEqualTo("written by the container".length());
    snapshotter.mount(key, rootfs); // already mounted: no second overlay on top
    snapshotter.unmount(rootfs);
    assertThat(Files.exists(rootfs.resolve("bin/busybox"))).as("unmounted").isFalse();
    Path bottom = tmp.resolve("overlay/layers").resolve(OverlaySnapshotter.chainIds(img.diffIds()).getFirst().hex());
    assertThat(Files.exists(bottom.resolve("diff/tmp/new"))).isFalse();
    snapshotter.remove(key);
    assertThat(Files.exists(upper)).isFalse();
    assertThatThrownBy(() -> snapshotter.mount(key, tmp.resolve("again"))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void imagesWithOneOrNoLayersMount() throws Exception {
    open();
    String one = "one-" + UUID.randomUUID();
    snapshotter.prepare(one, image(new TarBuilder().file("only", "1", 0644).build()));
    assertThat(Files.readString(mount(one).resolve("only"))).isEqualTo("1");
    String none = "none-" + UUID.randomUUID();
    snapshotter.prepare(none, image());
    Path m = mount(none);
    Files.writeString(m.resolve("f"), "x");
    assertThat(m.toFile().list()).containsExactly("f");
  }

  @Test
  void chainIdsFollowTheOciDefinition() {
    Digest a = Digest.sha256("a".getBytes());
    Digest b = Digest.sha256("b".getBytes());
    List<Digest> chain = OverlaySnapshotter.chainIds(List.of(a, b));
    assertThat(chain.get(0)).isEqualTo(a);
    assertThat(chain.get(1)).isEqualTo(Digest.sha256((a + " " + b).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void twoContainersOfANewImageUnpackItOnce() throws Exception {
    open();
    RootfsLayers img = image(TarBuilder.busyboxRootfs(), new TarBuilder().file("x", "y", 0644).build());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<String>> jobs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String key = "par-" + i + "-" + UUID.randomUUID();
        jobs.add(() -> {
          snapshotter.prepare(key, img);
          return key;
        });
      }
      for (Future<String> f : pool.invokeAll(jobs)) {
        assertThat(Files.readString(mount(f.get()).resolve("x"))).isEqualTo("y");
      }
    } finally {
      pool.shutdown();
    }
    assertThat(tmp.resolve("overlay/layers").toFile().list()).hasSize(2).noneMatch(n -> n.startsWith(".tmp"));
  }

  @Test
  void deepImagesMountThoughTheirLayerPathsExceedAPageOfOptions() throws Exception {
    open();
    byte[][] layers = new byte[50][];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = new TarBuilder().file("layer-" + i, Integer.toString(i), 0644).file("top", "from " + i, 0644).build();
    }
    String key = "deep-" + UUID.randomUUID();
    snapshotter.prepare(key, image(layers));
    Path m = mount(key);
    assertThat(Files.readString(m.resolve("layer-0"))).isEqualTo("0");
    assertThat(Files.readString(m.resolve("top"))).as("the top layer wins").isEqualTo("from 49");
    assertThat(m.toFile().list()).hasSize(51);
  }
}
