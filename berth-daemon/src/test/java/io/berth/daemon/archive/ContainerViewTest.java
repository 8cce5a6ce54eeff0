package io.berth.daemon.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.daemon.container.FsMount;
import io.berth.errdefs.InvalidArgumentException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paths of a container resolved in its root scope, over its mounts. */
class ContainerViewTest {
  @TempDir Path tmp;
  private Path rootfs;
  private Path volume;
  private ContainerView view;

  @BeforeEach
  void tree() throws Exception {
    rootfs = Files.createDirectories(tmp.resolve("rootfs"));
    volume = Files.createDirectories(tmp.resolve("volume"));
    Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(rootfs.resolve("etc/passwd"), "container's");
    Files.createDirectories(rootfs.resolve("data"));
    Files.createDirectories(rootfs.resolve("tmp"));
    Files.createSymbolicLink(rootfs.resolve("tmp/abs"), Path.of("/etc"));
    Files.createSymbolicLink(rootfs.resolve("tmp/up"), Path.of("../../../../../../etc"));
    Files.createSymbolicLink(rootfs.resolve("tmp/host"), Path.of(tmp.toString())); // an absolute host path
    Files.createSymbolicLink(rootfs.resolve("tmp/loop"), Path.of("loop"));
    Files.createSymbolicLink(rootfs.resolve("tmp/dangling"), Path.of("/nowhere/x"));
    Files.writeString(volume.resolve("v"), "in the volume");
    Files.createSymbolicLink(volume.resolve("out"), Path.of("../etc")); // from the mount's root, ".." is /
    view = new ContainerView(rootfs, List.of(new FsMount("/data", volume, true),
        new FsMount("/run", null, true), new FsMount("/ro", tmp.resolve("ro"), false)), false);
  }

  @Test
  void symlinksThatPointOutOfTheRootStayInTheContainer() throws Exception {
    assertThat(view.resolve("/tmp/abs/passwd", false, false)).containsExactly("etc", "passwd");
    assertThat(view.resolve("tmp/up/passwd", false, false)).containsExactly("etc", "passwd");
    assertThat(view.host(view.resolve("/tmp/up/passwd", false, false))).isEqualTo(rootfs.resolve("etc/passwd"));
    // a link to an absolute host path names a path of the container, which does not exist there
    assertThatThrownBy(() -> view.resolve("/tmp/host/rootfs", false, false)).isInstanceOf(NoSuchFileException.class);
    assertThat(view.resolve("/../../etc/./passwd", false, false)).containsExactly("etc", "passwd");
  }

  @Test
  void theLastComponentIsFollowedOnlyWhenAsked() throws Exception {
    assertThat(view.resolve("/tmp/abs", false, false)).containsExactly("tmp", "abs");
    assertThat(view.resolve("/tmp/abs", true, false)).containsExactly("etc");
    assertThat(view.resolve("/tmp/dangling", true, true)).as("a dangling link's target, lexically")
        .containsExactly("nowhere", "x");
    assertThatThrownBy(() -> view.resolve("/tmp/dangling", true, false)).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("/nowhere");
    assertThatThrownBy(() -> view.resolve("/tmp/loop/x", false, false)).isInstanceOf(FileSystemException.class)
        .hasMessageContaining("too many levels of symbolic links");
    assertThatThrownBy(() -> view.resolve("/etc/passwd/x", false, false)).isInstanceOf(NotDirectoryException.class);
  }

  @Test
  void pathsBelowAMountLiveInItsSource() throws Exception {
    assertThat(view.host(view.resolve("/data/v", false, false))).isEqualTo(volume.resolve("v"));
    assertThat(view.host(List.of("data"))).isEqualTo(volume);
    assertThat(view.resolve("/data/out/passwd", false, false)).containsExactly("etc", "passwd");
    assertThat(view.mountPoint(List.of("data"))).isTrue();
    assertThat(view.mountPoint(List.of("data", "v"))).isFalse();
    assertThat(view.host(List.of("run", "x"))).as("a tmpfs is out of reach: the root file system shows")
        .isEqualTo(rootfs.resolve("run/x"));
  }

  @Test
  void writesAreRefusedWhereTheContainerCannotWrite() {
    view.checkWritable(List.of("data", "v"));
    view.checkWritable(List.of("tmp"));
    assertThatThrownBy(() -> view.checkWritable(List.of("ro", "x"))).isInstanceOf(InvalidArgumentException.class)
        .hasMessage("mounted volume is marked read-only");
    assertThatThrownBy(() -> view.checkWritable(List.of("run", "x"))).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("tmpfs");
    ContainerView readOnly = new ContainerView(rootfs, List.of(new FsMount("/data", volume, true)), true);
    readOnly.checkWritable(List.of("data", "v"));
    assertThatThrownBy(() -> readOnly.checkWritable(List.of("tmp"))).isInstanceOf(InvalidArgumentException.class)
        .hasMessage("container rootfs is marked read-only");
  }

  @Test
  void theInnermostMountWins() throws Exception {
    Path inner = Files.createDirectories(tmp.resolve("inner"));
    ContainerView nested = new ContainerView(rootfs, List.of(new FsMount("/data", volume, true),
        new FsMount("/data/sub", inner, false)), false);
    assertThat(nested.host(List.of("data", "sub", "f"))).isEqualTo(inner.resolve("f"));
    assertThat(nested.host(List.of("data", "subway"))).isEqualTo(volume.resolve("subway"));
  }
}
