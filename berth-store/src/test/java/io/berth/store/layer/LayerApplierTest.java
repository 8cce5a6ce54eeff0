package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import io.berth.store.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerApplierTest {
  @TempDir Path tmp;
  private final LayerApplier applier = new LayerApplier();

  @Test
  void unpacksFilesLinksAndModesAndReportsTheDiffId() throws Exception {
    byte[] tar = new TarBuilder().dir("etc").file("etc/hello", "hi\n", 0640).symlink("etc/link", "hello")
        .hardlink("etc/hard", "etc/hello").file("bin/tool", "#!/bin/sh\n", 04755).build();
    LayerApplier.Applied a = applier.apply(new ByteArrayInputStream(tar), tmp.resolve("root"));
    Path root = tmp.resolve("root");
    assertThat(Files.readString(root.resolve("etc/hello"))).isEqualTo("hi\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/hello")))).isEqualTo("rw-r-----");
    assertThat(Files.readSymbolicLink(root.resolve("etc/link")).toString()).isEqualTo("hello");
    assertThat(Files.readString(root.resolve("etc/hard"))).isEqualTo("hi\n");
    assertThat((int) Files.getAttribute(root.resolve("bin/tool"), "unix:mode") & 07777).isEqualTo(04755);
    assertThat(a.diffId()).isEqualTo(Digest.sha256(tar));
    assertThat(a.size()).isEqualTo(tar.length);
  }

  @Test
  void gzipLayersHaveTheDiffIdOfTheirUncompressedTar() throws Exception {
    byte[] tar = new TarBuilder().file("a", "x", 0644).build();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar);
    }
    assertThat(applier.apply(new ByteArrayInputStream(gz.toByteArray()), tmp.resolve("r")).diffId())
        .isEqualTo(Digest.sha256(tar));
  }

  @Test
  void whiteoutsBecomeOverlayWhiteouts() throws Exception {
    byte[] tar = new TarBuilder().dir("d").file("d/.wh.gone", "", 0644).file("o/.wh..wh..opq", "", 0644).build();
    applier.apply(new ByteArrayInputStream(tar), tmp.resolve("r"));
    Path gone = tmp.resolve("r/d/gone");
    assertThat(Files.exists(gone, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.isRegularFile(gone, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat((long) Files.getAttribute(gone, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isZero();
    assertThat(Files.exists(tmp.resolve("r/d/.wh.gone"))).isFalse();
  }

  @Test
  void refusesEntriesThatEscapeTheRoot() throws Exception {
    Path root = tmp.resolve("root");
    byte[] dotdot = new TarBuilder().file("../evil", "x", 0644).build();
    assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(dotdot), root))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("../evil");
    byte[] throughLink = new TarBuilder().symlink("etc", tmp.toString()).file("etc/evil", "x", 0644).build();
    assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(throughLink), tmp.resolve("r2")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("symlink");
    byte[] hardOut = new TarBuilder().hardlink("passwd", "/etc/passwd").build();
    assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(hardOut), tmp.resolve("r3")))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(Files.exists(tmp.resolve("evil"))).isFalse();
    assertThat(Files.exists(tmp.resolve("r3/passwd"))).isFalse();
  }

  @Test
  void absoluteNamesStayInside() throws Exception {
    byte[] tar = new TarBuilder().file("/abs/file", "x", 0644).build();
    applier.apply(new ByteArrayInputStream(tar), tmp.resolve("r"));
    assertThat(Files.readString(tmp.resolve("r/abs/file"))).isEqualTo("x");
  }

  @Test
  void garbageIsAClearError() {
    assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream("not a tar at all, just text".repeat(30).getBytes()),
        tmp.resolve("g"))).isInstanceOf(InvalidArgumentException.class);
  }
}
