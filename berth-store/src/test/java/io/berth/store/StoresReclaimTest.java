package io.berth.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.oci.Digest;
import io.berth.store.image.Image;
import io.berth.store.image.ImageStore;
import io.berth.store.layer.TarBuilder;
import io.berth.store.snapshot.OverlaySnapshotter;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a killed daemon leaves in the stores goes at the next start; what an image uses stays. */
class StoresReclaimTest {
  @TempDir Path root;

  private Image image(Stores stores) throws Exception {
    byte[] rootfs = new TarBuilder().dir("etc").file("etc/hello", "hello\n", 0644).build();
    return stores.images().importRootfs(new ByteArrayInputStream(rootfs),
        new ImageStore.ImportOptions("kept/image:1", List.of(), null, null));
  }

  @Test
  void leftoversGoAndAnImagesContentStays() throws Exception {
    Stores stores = Stores.open(root);
    Image img = image(stores);
    Digest orphan = stores.contentStore().ingest(new ByteArrayInputStream(
        "a layer of an image whose load was killed".getBytes(StandardCharsets.UTF_8)), null);
    Path ingest = Files.writeString(root.resolve("content/ingest/blob-123"), "half a blob");
    Path record = Files.writeString(root.resolve("metadata/images/.tmp-456"), "half a record");
    Path orphanLayer = Files.createDirectories(root.resolve("overlay/layers").resolve("ab".repeat(32)).resolve("diff"));

    Stores restarted = Stores.open(root);
    assertThat(restarted.reclaimLeftovers()).isGreaterThan(0);

    assertThat(restarted.contentStore().exists(orphan)).isFalse();
    assertThat(ingest).doesNotExist();
    assertThat(record).doesNotExist();
    assertThat(orphanLayer).doesNotExist();
    Image again = restarted.images().resolve("kept/image:1");
    assertThat(again.id()).isEqualTo(img.id());
    for (Digest d : List.of(img.id(), img.manifestDigest(), img.layers().getFirst())) {
      assertThat(restarted.contentStore().exists(d)).as(d.toString()).isTrue();
    }
    assertThat(root.resolve("overlay/layers").resolve(OverlaySnapshotter.chainIds(img.diffIds()).getFirst().hex()))
        .isDirectory();
  }

  @Test
  void anUnreadableImageRecordKeepsAllContent() throws Exception {
    Stores stores = Stores.open(root);
    image(stores);
    Digest unknown = stores.contentStore().ingest(new ByteArrayInputStream(
        "perhaps the broken image's".getBytes(StandardCharsets.UTF_8)), null);
    Files.writeString(root.resolve("metadata/images").resolve("cd".repeat(32)), "{not json");

    Stores.open(root).reclaimLeftovers();

    assertThat(stores.contentStore().exists(unknown)).isTrue();
  }
}
