package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What {@link LayerTarFuzzTest} found, one small layer each, so each stays fixed. */
class LayerTarFuzzFindingsTest {
  @TempDir Path tmp;

  /**
   * A directory's time is set after the layer's last entry; it was set on whatever path then had
   * the name, following a symlink out of the root: here the outside directory's mtime changed.
   */
  @Test
  void aDirectoryReplacedByASymlinkOutDoesNotSetTheTargetsTime() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    FileTime before = FileTime.fromMillis(1_000_000_000L);
    Files.setLastModifiedTime(outside, before);
    byte[] tar = new TarBuilder().dir("d").symlink("d", outside.toString()).build();
    Path root = tmp.resolve("root");
    new LayerApplier().apply(new ByteArrayInputStream(tar), root);
    assertThat(Files.getLastModifiedTime(outside)).isEqualTo(before);
    assertThat(Files.isSymbolicLink(root.resolve("d"))).isTrue();
  }

  /** The same deferred time opened a FIFO that had replaced the directory, which blocked for good. */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the old code never returned
  void aDirectoryReplacedByAFifoDoesNotBlockTheExtraction() throws Exception {
    byte[] tar = new TarBuilder().dir("f").node("f", TarArchiveEntry.LF_FIFO, 0, 0).build();
    Path root = tmp.resolve("root");
    new LayerApplier().apply(new ByteArrayInputStream(tar), root);
    assertThat(Files.readAttributes(root.resolve("f"), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther())
        .isTrue();
  }

  /** A symlink target with a NUL (from a long link record) came out as the JDK's InvalidPathException. */
  @Test
  void aSymlinkTargetWithANulIsAnInvalidLayer() throws Exception {
    byte[] tar = new TarBuilder().symlink("l", "x".repeat(120) + "\0y").build();
    assertThatThrownBy(() -> new LayerApplier().apply(new ByteArrayInputStream(tar), tmp.resolve("root")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("\"l\"").hasMessageContaining("NUL");
  }
}
