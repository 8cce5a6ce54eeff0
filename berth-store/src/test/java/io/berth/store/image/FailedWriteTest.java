package io.berth.store.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.NotFoundException;
import io.berth.store.Stores;
import io.berth.store.layer.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A metadata write that fails (a full disk, here a tag index that cannot be written because its
 * bucket is a file) changes nothing: what the store shows is what a restart would load.
 */
class FailedWriteTest {
  @TempDir Path tmp;

  private static byte[] rootfs(String text) throws Exception {
    return new TarBuilder().file("hello", text, 0644).build();
  }

  /** Makes the tag index unwritable from now on (and restores it with {@link #unbreak}). */
  private void breakTags() throws Exception {
    Path tags = tmp.resolve("s/metadata/tags");
    Files.move(tags, tmp.resolve("tags.saved"));
    Files.writeString(tags, "not a directory");
  }

  private void unbreak() throws Exception {
    Path tags = tmp.resolve("s/metadata/tags");
    Files.delete(tags);
    Files.move(tmp.resolve("tags.saved"), tags);
  }

  @Test
  void aTagThatCannotBeWrittenIsNotThereAndARemovalThatCannotBeWrittenRemovesNothing() throws Exception {
    ImageStore s = Stores.open(tmp.resolve("s")).images();
    Image img = s.importRootfs(new ByteArrayInputStream(rootfs("a")), new ImageStore.ImportOptions("a:1", List.of(), null, null));
    breakTags();
    assertThatThrownBy(() -> s.tag("a:1", "b:1")).hasMessageContaining("writing metadata tags/index");
    assertThatThrownBy(() -> s.resolve("b:1")).isInstanceOf(NotFoundException.class);
    assertThat(s.resolve("a:1").repoTags()).containsExactly("a:1");
    assertThatThrownBy(() -> s.remove("a:1", false, id -> false)).hasMessageContaining("writing metadata tags/index");
    assertThat(s.resolve("a:1").id()).isEqualTo(img.id());
    assertThat(s.list()).hasSize(1);
    unbreak();
    assertThat(Stores.open(tmp.resolve("s")).images().resolve("a:1").repoTags()).containsExactly("a:1");
  }

  @Test
  void anImportOrLoadWhoseTagCannotBeWrittenLeavesNoImage() throws Exception {
    Stores src = Stores.open(tmp.resolve("src"));
    src.images().importRootfs(new ByteArrayInputStream(rootfs("b")), new ImageStore.ImportOptions("b:1", List.of(), null, null));
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    src.images().save(List.of("b:1"), archive);

    Stores stores = Stores.open(tmp.resolve("s"));
    ImageStore s = stores.images();
    s.importRootfs(new ByteArrayInputStream(rootfs("a")), new ImageStore.ImportOptions("a:1", List.of(), null, null));
    breakTags();
    assertThatThrownBy(() -> s.importRootfs(new ByteArrayInputStream(rootfs("c")),
        new ImageStore.ImportOptions("c:1", List.of(), null, null))).hasMessageContaining("writing metadata tags/index");
    assertThatThrownBy(() -> s.load(new ByteArrayInputStream(archive.toByteArray())))
        .hasMessageContaining("writing metadata tags/index");
    assertThat(s.list()).extracting(Image::repoTags).containsExactly(List.of("a:1"));
    assertThat(stores.contentStore().list()).hasSize(3); // a's layer, config and manifest
    unbreak();
    assertThat(Stores.open(tmp.resolve("s")).images().list()).hasSize(1);
  }
}
