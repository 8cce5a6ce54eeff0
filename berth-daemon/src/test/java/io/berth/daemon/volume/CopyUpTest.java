package io.berth.daemon.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyUpTest {
  @TempDir Path tmp;

  @Test
  void copiesContentWithOwnersModesAndLinks() throws Exception {
    Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
    Path data = rootfs.resolve("srv/data");
    Files.createDirectories(data.resolve("sub"));
    Files.writeString(data.resolve("sub/f"), "hi\n");
    Files.setPosixFilePermissions(data.resolve("sub/f"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(data.resolve("link"), Path.of("sub/f"));
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      Files.setAttribute(data.resolve("sub/f"), "unix:uid", 1234);
      Files.setAttribute(data, "unix:gid", 4321);
    }
    Files.setAttribute(data, "unix:mode", 01750);
    Path vol = Files.createDirectories(tmp.resolve("vol"));
    CopyUp.fromImage(rootfs, "/srv/data", vol);
    assertThat(Files.readString(vol.resolve("sub/f"))).isEqualTo("hi\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(vol.resolve("sub/f")))).isEqualTo("rwxr-x---");
    assertThat(Files.readSymbolicLink(vol.resolve("link"))).isEqualTo(Path.of("sub/f"));
    assertThat((int) Files.getAttribute(vol, "unix:mode") & 07777).isEqualTo(01750);
    if (root) {
      assertThat(Files.getAttribute(vol.resolve("sub/f"), "unix:uid")).isEqualTo(1234);
      assertThat(Files.getAttribute(vol, "unix:gid")).isEqualTo(4321);
    }
  }

  @Test
  void nothingWhenTheImageHasNoDirectoryThere() throws Exception {
    Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
    Files.writeString(rootfs.resolve("file"), "x");
    Path vol = Files.createDirectories(tmp.resolve("vol"));
    CopyUp.fromImage(rootfs, "/missing", vol);
    CopyUp.fromImage(rootfs, "/file", vol);
    try (var s = Files.list(vol)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void symlinksResolveInsideTheRootNeverOnTheHost() throws Exception {
    Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
    Files.createDirectories(rootfs.resolve("real"));
    Files.writeString(rootfs.resolve("real/inside"), "image\n");
    // absolute and climbing links must land in the image, not the host
    Files.createSymbolicLink(rootfs.resolve("abs"), Path.of("/real"));
    Files.createSymbolicLink(rootfs.resolve("up"), Path.of("../../../../../../real"));
    Files.createSymbolicLink(rootfs.resolve("loop"), Path.of("loop"));
    Path vol = Files.createDirectories(tmp.resolve("vol"));
    CopyUp.fromImage(rootfs, "/abs", vol);
    assertThat(Files.readString(vol.resolve("inside"))).isEqualTo("image\n");
    Path vol2 = Files.createDirectories(tmp.resolve("vol2"));
    CopyUp.fromImage(rootfs, "/up", vol2);
    assertThat(Files.readString(vol2.resolve("inside"))).isEqualTo("image\n");
    CopyUp.fromImage(rootfs, "/loop", Files.createDirectories(tmp.resolve("vol3")));
    try (var s = Files.list(tmp.resolve("vol3"))) {
      assertThat(s).isEmpty();
    }
  }
}
