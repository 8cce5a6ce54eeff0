package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LayerApplier as docker cp's extractor ({@link LayerApplier#forCopy}) over an {@link RootedTree}. */
class CopyExtractionTest {
  @TempDir Path tmp;

  private static ByteArrayInputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  @Test
  void whiteoutNamesAreOrdinaryFilesAndTheRootEntryLeavesTheDestinationAlone() throws Exception {
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    Files.setAttribute(dest, "unix:mode", 0700);
    Files.writeString(dest.resolve("keep"), "k");
    byte[] tar = new TarBuilder().dir("./").file("./.wh.keep", "", 0644).file("./.wh..wh..opq", "", 0644)
        .file("./x", "x", 0600).build();
    LayerApplier.forCopy(true, null).apply(in(tar), RootedTree.of(dest), false);
    assertThat(Files.readString(dest.resolve("keep"))).isEqualTo("k");
    assertThat(Files.isRegularFile(dest.resolve(".wh.keep"))).isTrue();
    assertThat(Files.isRegularFile(dest.resolve(".wh..wh..opq"))).isTrue();
    assertThat((int) Files.getAttribute(dest, "unix:mode") & 0777).as("root entry skipped").isEqualTo(0700);
  }

  @Test
  void noOverwriteDirNonDirRefusesBothWaysWithDockersWords() throws Exception {
    Path dest = Files.createDirectories(tmp.resolve("d"));
    Files.createDirectories(dest.resolve("adir"));
    Files.writeString(dest.resolve("afile"), "f");
    LayerApplier strict = LayerApplier.forCopy(true, null);
    assertThatThrownBy(() -> strict.apply(in(new TarBuilder().file("adir", "x", 0644).build()),
        RootedTree.of(dest), false)).isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("cannot overwrite directory \"adir\" with non-directory \"adir\"");
    assertThatThrownBy(() -> strict.apply(in(new TarBuilder().dir("afile").build()), RootedTree.of(dest), false))
        .isInstanceOf(FailedPreconditionException.class).hasMessageContaining("cannot overwrite non-directory");
    assertThat(Files.isDirectory(dest.resolve("adir"))).isTrue();
    // without the flag (the API's default) the directory is replaced
    LayerApplier.forCopy(false, null).apply(in(new TarBuilder().file("adir", "x", 0644).build()),
        RootedTree.of(dest), false);
    assertThat(Files.readString(dest.resolve("adir"))).isEqualTo("x");
  }

  @Test
  void anOwnerOverridesTheTarsOwners() throws Exception {
    Path dest = Files.createDirectories(tmp.resolve("o"));
    byte[] tar = new TarBuilder().dir("sub").fileWith("sub/f", "c", 7, 8, new java.util.Date(), null, null)
        .symlink("sub/l", "f").build();
    LayerApplier.forCopy(true, new LayerApplier.Owner(1234, 5678)).apply(in(tar), RootedTree.of(dest), false);
    for (String p : List.of("sub", "sub/f", "sub/l")) {
      assertThat(Files.getAttribute(dest.resolve(p), "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(p).isEqualTo(1234);
      assertThat(Files.getAttribute(dest.resolve(p), "unix:gid", LinkOption.NOFOLLOW_LINKS)).as(p).isEqualTo(5678);
    }
    Path kept = Files.createDirectories(tmp.resolve("k"));
    LayerApplier.forCopy(true, null).apply(in(tar), RootedTree.of(kept), false);
    assertThat(Files.getAttribute(kept.resolve("sub/f"), "unix:uid")).isEqualTo(7);
  }

  @Test
  void aMappedRootSendsPathsBelowAMountToItsSourceAndGuardsIt() throws Exception {
    Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    Files.createDirectories(rootfs.resolve("data"));
    List<List<String>> checked = new ArrayList<>();
    RootedTree root = new RootedTree() {
      @Override
      public Path host(List<String> parts) {
        Path base = !parts.isEmpty() && parts.getFirst().equals("data") ? volume : rootfs;
        for (String s : parts.subList(!parts.isEmpty() && parts.getFirst().equals("data") ? 1 : 0, parts.size())) {
          base = base.resolve(s);
        }
        return base;
      }

      @Override
      public void checkWritable(List<String> parts) {
        checked.add(parts);
        if (parts.size() > 1 && parts.get(1).equals("ro")) {
          throw new InvalidArgumentException("mounted volume is marked read-only");
        }
      }

      @Override
      public boolean mountPoint(List<String> parts) {
        return parts.equals(List.of("data"));
      }
    };
    LayerApplier copy = LayerApplier.forCopy(false, null);
    copy.apply(in(new TarBuilder().file("data/in-volume", "v", 0644).file("top", "t", 0644).build()), root, false);
    assertThat(Files.readString(volume.resolve("in-volume"))).isEqualTo("v");
    assertThat(Files.exists(rootfs.resolve("data/in-volume"))).isFalse();
    assertThat(Files.readString(rootfs.resolve("top"))).isEqualTo("t");
    assertThat(checked).contains(List.of("data", "in-volume"), List.of("top"));
    assertThatThrownBy(() -> copy.apply(in(new TarBuilder().file("data/ro/x", "x", 0644).build()), root, false))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("read-only");
    assertThat(Files.exists(volume.resolve("ro"))).as("no parent made in a read-only place").isFalse();
    assertThatThrownBy(() -> copy.apply(in(new TarBuilder().file("data", "replaces the mount?", 0644).build()),
        root, false)).isInstanceOf(FailedPreconditionException.class).hasMessageContaining("mount point");
    assertThat(Files.isDirectory(rootfs.resolve("data"))).isTrue();
  }

  @Test
  void aSymlinkInTheDestinationNeverLeadsOutOfIt() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    Files.createSymbolicLink(dest.resolve("up"), Path.of("../outside"));
    Files.createSymbolicLink(dest.resolve("abs"), Path.of("/etc"));
    LayerApplier copy = LayerApplier.forCopy(true, null);
    assertThatThrownBy(() -> copy.apply(in(new TarBuilder().file("up/evil", "x", 0644).build()),
        RootedTree.of(dest), false)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("archive entry \"up/evil\"");
    copy.apply(in(new TarBuilder().file("abs/passwd", "inside", 0644).build()), RootedTree.of(dest), false);
    assertThat(Files.readString(dest.resolve("etc/passwd"))).as("an absolute link starts at the destination")
        .isEqualTo("inside");
    assertThat(outside.toFile().list()).isEmpty();
  }
}
