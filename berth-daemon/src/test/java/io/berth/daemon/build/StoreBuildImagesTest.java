package io.berth.daemon.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.build.executor.BuildImage;
import io.berth.daemon.image.ImageCommitter;
import io.berth.errdefs.NotFoundException;
import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import io.berth.store.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's side of the builder's image and cache roles, on real stores in a temporary data root. */
class StoreBuildImagesTest {
  @TempDir
  Path tmp;
  Stores stores;
  StoreBuildImages images;
  MetadataStepCache cache;

  @BeforeEach
  void setUp() {
    stores = Stores.open(tmp.resolve("data"));
    images = new StoreBuildImages(stores.images(),
        new ImageCommitter(stores.images(), stores.contentStore(), stores.snapshotter()));
    cache = new MetadataStepCache(stores.metadata(), stores.images());
  }

  @Test
  void aStoredLayerAndARegisteredConfigMakeAnImageTheStoreResolvesAndTags() throws IOException {
    BuildImage img = imageWithOneFile();

    assertThat(img.diffIds()).hasSize(1);
    assertThat(images.resolve(img.id().toString())).isEqualTo(img);
    images.tag(img, "it/built:1");
    assertThat(images.resolve("it/built:1").id()).isEqualTo(img.id());
    assertThat(stores.images().resolve("it/built:1").diffIds()).isEqualTo(img.diffIds());
    assertThatThrownBy(() -> images.resolve("it/none:1")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void theCacheAnswersWithWhatItRecordedUntilThatImageIsRemoved() throws IOException {
    BuildImage img = imageWithOneFile();
    assertThat(cache.lookup("k1")).isNull();

    cache.record("k1", img);
    assertThat(cache.lookup("k1")).isEqualTo(img);
    assertThat(new Intermediates(stores.metadata()).contains(img.id().toString())).isTrue();

    stores.images().remove(img.id().toString(), true, id -> false);
    assertThat(cache.lookup("k1")).isNull(); // a removed image is a miss, not an error
  }

  private BuildImage imageWithOneFile() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree/app"));
    Files.writeString(tree.resolve("hello.txt"), "hello\n");
    Digest layer = images.storeLayer(tmp.resolve("tree"));
    return images.register(new ImageConfig("2026-01-01T00:00:00Z", null, "amd64", "linux", null,
        new ImageConfig.RootFs("layers", List.of(layer.toString())),
        List.of(new ImageConfig.History("2026-01-01T00:00:00Z", "COPY hello.txt", null, null, null))));
  }
}
