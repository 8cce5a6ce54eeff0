package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import io.berth.store.os.Syscalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerApplierTest {
  @TempDir Path tmp;
  private final LayerApplier overlay = new LayerApplier();
  private final LayerApplier flat = new LayerApplier(LayerApplier.Whiteouts.DELETE);

  private static ByteArrayInputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  private static int mode(Path p) throws Exception {
    return (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void unpacksFilesLinksModesOwnersAndReportsTheDiffId() throws Exception {
    Date when = new Date(1_600_000_000_000L);
    byte[] tar = new TarBuilder().dir("etc").file("etc/hello", "hi\n", 0640).symlink("etc/link", "hello")
        .hardlink("etc/hard", "etc/hello").file("bin/tool", "#!/bin/sh\n", 04755)
        .fileWith("home/u/f", "mine", 1000, 1001, when, null, null).build();
    Path root = tmp.resolve("root");
    LayerApplier.Applied a = overlay.apply(in(tar), root);
    assertThat(Files.readString(root.resolve("etc/hello"))).isEqualTo("hi\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/hello"))))
        .isEqualTo("rw-r-----");
    assertThat(Files.readSymbolicLink(root.resolve("etc/link")).toString()).isEqualTo("hello");
    assertThat(Files.isSameFile(root.resolve("etc/hard"), root.resolve("etc/hello"))).isTrue();
    assertThat(mode(root.resolve("bin/tool")) & 07777).isEqualTo(04755);
    assertThat(mode(root.resolve("bin")) & 07777).as("implicit parent").isEqualTo(0755);
    assertThat(Files.getAttribute(root.resolve("home/u/f"), "unix:uid")).isEqualTo(1000);
    assertThat(Files.getAttribute(root.resolve("home/u/f"), "unix:gid")).isEqualTo(1001);
    assertThat(Files.getLastModifiedTime(root.resolve("home/u/f")).toMillis()).isEqualTo(when.getTime());
    assertThat(a.diffId()).isEqualTo(Digest.sha256(tar));
    assertThat(a.size()).isEqualTo(tar.length);
  }

  @Test
  void compressedLayersHaveTheDiffIdOfTheirUncompressedTar() throws Exception {
    byte[] tar = new TarBuilder().file("a", "x", 0644).build();
    assertThat(overlay.apply(in(TarBuilder.gzip(tar)), tmp.resolve("g")).diffId()).isEqualTo(Digest.sha256(tar));
    ByteArrayOutputStream zst = new ByteArrayOutputStream();
    try (ZstdOutputStream z = new ZstdOutputStream(zst)) {
      z.write(tar);
    }
    LayerApplier.Applied a = overlay.apply(in(zst.toByteArray()), tmp.resolve("z"));
    assertThat(a.diffId()).isEqualTo(Digest.sha256(tar));
    assertThat(Files.readString(tmp.resolve("z/a"))).isEqualTo("x");
  }

  @Test
  void whiteoutsBecomeOverlayWhiteoutsAndOpaqueDirsGetTheAttribute() throws Exception {
    byte[] tar = new TarBuilder().dir("d").file("d/.wh.gone", "", 0644).dir("o").file("o/.wh..wh..opq", "", 0644)
        .file("o/kept", "k", 0644).file("d/new", "n", 0644).file("d/.wh.new", "", 0644).build();
    Path r = tmp.resolve("r");
    overlay.apply(in(tar), r);
    Path gone = r.resolve("d/gone");
    assertThat(Files.exists(gone, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(mode(gone) & 0170000).as("character device").isEqualTo(Syscalls.S_IFCHR);
    assertThat((long) Files.getAttribute(gone, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isZero();
    assertThat(Files.exists(r.resolve("d/.wh.gone"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Syscalls.lgetxattr(r.resolve("o").toString(), "trusted.overlay.opaque")).isEqualTo("y".getBytes());
    assertThat(Files.exists(r.resolve("o/.wh..wh..opq"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.readString(r.resolve("d/new"))).as("a whiteout never hides its own layer").isEqualTo("n");
  }

  @Test
  void flatteningDeletesWhatWhiteoutsAndOpaqueDirsHide() throws Exception {
    Path r = tmp.resolve("flat");
    flat.apply(in(new TarBuilder().file("etc/a", "a", 0644).file("etc/b", "b", 0644)
        .file("var/old/x", "x", 0644).file("var/old/sub/y", "y", 0644).build()), r);
    flat.apply(in(new TarBuilder().file("etc/.wh.a", "", 0644).dir("var/old").file("var/old/.wh..wh..opq", "", 0644)
        .file("var/old/fresh", "f", 0644).file("nothere/.wh.z", "", 0644).build()), r);
    assertThat(Files.exists(r.resolve("etc/a"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.readString(r.resolve("etc/b"))).isEqualTo("b");
    assertThat(r.resolve("var/old").toFile().list()).containsExactly("fresh");
    assertThat(Files.exists(r.resolve("nothere"))).as("whiteouts do not create directories").isFalse();
  }

  @Test
  void devicesAndFifosAreCreated() throws Exception {
    Path r = tmp.resolve("dev");
    overlay.apply(in(new TarBuilder().node("dev/null", TarArchiveEntry.LF_CHR, 1, 3)
        .node("dev/fifo", TarArchiveEntry.LF_FIFO, 0, 0).build()), r);
    assertThat(mode(r.resolve("dev/null")) & 0170000).isEqualTo(Syscalls.S_IFCHR);
    assertThat((long) Files.getAttribute(r.resolve("dev/null"), "unix:rdev")).isEqualTo((1L << 8) | 3);
    assertThat(mode(r.resolve("dev/fifo")) & 0170000).isEqualTo(0010000);
  }

  @Test
  void extendedAttributesAreRestored() throws Exception {
    Path r = tmp.resolve("x");
    overlay.apply(in(new TarBuilder().fileWith("f", "c", 0, 0, new Date(), "user.berth", "hello").build()), r);
    assertThat(new String(Syscalls.lgetxattr(r.resolve("f").toString(), "user.berth"), StandardCharsets.UTF_8))
        .isEqualTo("hello");
  }

  /** cap_setuid and cap_net_bind_service, effective: revision 2, permitted 0x480; not valid UTF-8. */
  static final byte[] CAPS = {1, 0, 0, 2, (byte) 0x80, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

  @Test
  void binaryFileCapabilitiesAndUserAttributesAreRestoredByteForByte() throws Exception {
    byte[] user = {(byte) 0xff, 0, (byte) 0x80, '\n', '=', 'x'};
    Map<String, byte[]> pax = new LinkedHashMap<>();
    pax.put("SCHILY.xattr.security.capability", CAPS);
    pax.put("SCHILY.xattr.user.blob", user);
    pax.put("mtime", "1700000000.5".getBytes(StandardCharsets.US_ASCII));
    byte[] tar = new TarBuilder().dir("bin").fileWithRawPax("bin/capbox", "#!", 1000, pax)
        .file("bin/plain", "p", 0755).build();
    Path r = tmp.resolve("caps");
    overlay.apply(in(tar), r);
    Path capbox = r.resolve("bin/capbox");
    assertThat(Syscalls.lgetxattr(capbox.toString(), "security.capability")).as("kept through chown").isEqualTo(CAPS);
    assertThat(Syscalls.lgetxattr(capbox.toString(), "user.blob")).isEqualTo(user);
    assertThat(Files.getAttribute(capbox, "unix:uid")).isEqualTo(1000);
    assertThat(mode(capbox) & 07777).isEqualTo(0755);
    assertThat(Files.getLastModifiedTime(capbox).toMillis()).isEqualTo(1_700_000_000_500L);
    assertThat(Syscalls.llistxattr(r.resolve("bin/plain").toString())).as("no attributes leak to the next entry")
        .isEmpty();
  }

  @Test
  void overlaysOwnAttributesAndOnesTheFileSystemRefusesAreSkipped() throws Exception {
    Map<String, byte[]> pax = new LinkedHashMap<>();
    pax.put("SCHILY.xattr.trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII));
    pax.put("SCHILY.xattr.user.overlay.redirect", "/elsewhere".getBytes(StandardCharsets.US_ASCII));
    pax.put("SCHILY.xattr.bogus.namespace", "v".getBytes(StandardCharsets.US_ASCII));
    pax.put("SCHILY.xattr.user.kept", "k".getBytes(StandardCharsets.US_ASCII));
    Path r = tmp.resolve("own");
    overlay.apply(in(new TarBuilder().fileWithRawPax("f", "x", 0, pax).file("after", "a", 0644).build()), r);
    assertThat(Syscalls.llistxattr(r.resolve("f").toString())).containsExactly("user.kept");
    assertThat(Files.readString(r.resolve("after"))).as("the layer went on").isEqualTo("a");
  }

  @Test
  void gnuTarLayersWithFileCapabilitiesApply() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("bin"));
    Files.writeString(src.resolve("bin/capbox"), "binary");
    Syscalls.lsetxattr(src.resolve("bin/capbox").toString(), "security.capability", CAPS);
    Syscalls.lsetxattr(src.resolve("bin").toString(), "user.dir", new byte[] {(byte) 0xc3});
    Path layer = tmp.resolve("gnu.tar");
    GnuTar.run("--xattrs", "--xattrs-include=*", "-C", src.toString(), "-cf", layer.toString(), ".");
    Path r = tmp.resolve("applied");
    overlay.apply(Files.newInputStream(layer), r);
    assertThat(Syscalls.lgetxattr(r.resolve("bin/capbox").toString(), "security.capability")).isEqualTo(CAPS);
    assertThat(Syscalls.lgetxattr(r.resolve("bin").toString(), "user.dir")).isEqualTo(new byte[] {(byte) 0xc3});
  }

  @Test
  void refusesDotDotNames() throws Exception {
    for (String name : new String[] {"../evil", "a/../../evil", "./../evil", "a/b/../../../evil"}) {
      byte[] tar = new TarBuilder().file(name, "x", 0644).build();
      assertThatThrownBy(() -> overlay.apply(in(tar), tmp.resolve("root")))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(name);
    }
    assertThat(Files.exists(tmp.resolve("evil"))).isFalse();
    // a backslash is part of a Linux file name, not a separator: "..\\evil" is one harmless name
    overlay.apply(in(new TarBuilder().file("..\\evil", "x", 0644).file("C:\\x.txt", "y", 0644).build()), tmp.resolve("root"));
    assertThat(Files.readString(tmp.resolve("root").resolve("..\\evil"))).isEqualTo("x");
    assertThat(Files.readString(tmp.resolve("root").resolve("C:\\x.txt"))).isEqualTo("y");
    assertThat(Files.exists(tmp.resolve("evil"))).isFalse();
  }

  @Test
  void neverWritesThroughASymlinkThatLeavesTheRoot() throws Exception {
    Files.createDirectories(tmp.resolve("outside"));
    byte[] relative = new TarBuilder().symlink("etc", "../outside").file("etc/evil", "x", 0644).build();
    assertThatThrownBy(() -> overlay.apply(in(relative), tmp.resolve("r1")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("etc/evil");
    byte[] deep = new TarBuilder().dir("a/b").symlink("a/b/up", "../../../../..").file("a/b/up/tmp/evil", "x", 0644)
        .build();
    assertThatThrownBy(() -> overlay.apply(in(deep), tmp.resolve("r2")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("a/b/up/tmp/evil");
    byte[] hardThrough = new TarBuilder().symlink("l", "../outside").hardlink("h", "l/secret").build();
    Files.writeString(tmp.resolve("outside/secret"), "s");
    assertThatThrownBy(() -> overlay.apply(in(hardThrough), tmp.resolve("r3")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("\"h\"");
    assertThat(tmp.resolve("outside").toFile().list()).containsExactly("secret");
    assertThat(Files.exists(tmp.resolve("r3/h"), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void absoluteNamesAndAbsoluteSymlinksStayInside() throws Exception {
    Path r = tmp.resolve("r");
    byte[] tar = new TarBuilder().file("/abs/file", "x", 0644).symlink("etc", "/real/etc")
        .file("etc/passwd", "inside", 0644).build();
    overlay.apply(in(tar), r);
    assertThat(Files.readString(r.resolve("abs/file"))).isEqualTo("x");
    assertThat(Files.readString(r.resolve("real/etc/passwd"))).as("followed as if chrooted").isEqualTo("inside");
    assertThat(Files.readSymbolicLink(r.resolve("etc")).toString()).isEqualTo("/real/etc");
  }

  @Test
  void replacesASymlinkAtTheEntryNameInsteadOfFollowingIt() throws Exception {
    Path sentinel = tmp.resolve("sentinel");
    Files.writeString(sentinel, "untouched");
    Path r = tmp.resolve("r");
    overlay.apply(in(new TarBuilder().symlink("f", "../sentinel").file("f", "overwritten?", 0644).build()), r);
    assertThat(Files.readString(sentinel)).isEqualTo("untouched");
    assertThat(Files.isRegularFile(r.resolve("f"), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void hardLinksMustPointInsideTheLayer() throws Exception {
    byte[] abs = new TarBuilder().hardlink("passwd", "/etc/passwd").build();
    assertThatThrownBy(() -> overlay.apply(in(abs), tmp.resolve("h1")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("passwd");
    byte[] up = new TarBuilder().hardlink("passwd", "../../../etc/passwd").build();
    assertThatThrownBy(() -> overlay.apply(in(up), tmp.resolve("h2"))).isInstanceOf(InvalidArgumentException.class);
    assertThat(Files.exists(tmp.resolve("h1/passwd"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.exists(tmp.resolve("h2/passwd"), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void malformedWhiteoutsAndLinkLoopsAreRefused() throws Exception {
    Path r = tmp.resolve("w");
    Files.createDirectories(r.resolve("keep"));
    for (String bad : new String[] {".wh..", ".wh...", "keep/.wh.", "keep/.wh.."}) {
      byte[] tar = new TarBuilder().file(bad, "", 0644).build();
      assertThatThrownBy(() -> overlay.apply(in(tar), r)).as(bad).isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> flat.apply(in(tar), r)).as(bad).isInstanceOf(InvalidArgumentException.class);
    }
    assertThat(Files.isDirectory(r.resolve("keep"))).isTrue();
    assertThat(Files.isDirectory(tmp)).isTrue();
    byte[] loop = new TarBuilder().symlink("a", "b").symlink("b", "a").file("a/x", "x", 0644).build();
    assertThatThrownBy(() -> overlay.apply(in(loop), tmp.resolve("loop")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("symbolic links");
  }

  @Test
  void garbageIsAClearError() throws Exception {
    assertThatThrownBy(() -> overlay.apply(in("not a tar at all, just text".repeat(30).getBytes()), tmp.resolve("g")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("invalid layer tar");
    byte[] truncated = java.util.Arrays.copyOf(TarBuilder.gzip("x".repeat(5000).getBytes()), 30);
    assertThatThrownBy(() -> overlay.apply(in(truncated), tmp.resolve("t"))).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void manySmallFilesWrittenSideBySideKeepTheOrderThatMatters() throws Exception {
    TarBuilder t = new TarBuilder();
    for (int d = 0; d < 8; d++) {
      t.dir("d" + d);
      for (int f = 0; f < 64; f++) {
        t.file("d" + d + "/f" + f, "content " + d + "/" + f + "\n", 0640);
      }
    }
    t.file("twice", "first\n", 0644).file("twice", "second\n", 0600) // the later entry wins
        .file("d0/linked", "target\n", 0644).hardlink("d0/link", "d0/linked") // linked right after
        .file("becomes-dir", "file\n", 0644).dir("becomes-dir").file("becomes-dir/in", "x\n", 0644)
        .dir("becomes-file").file("becomes-file/old", "y\n", 0644).file("becomes-file", "file now\n", 0644)
        .file("d1/.wh.f3", "", 0644); // a whiteout hides lower layers only, never this layer's own f3
    Path root = tmp.resolve("many");
    overlay.apply(in(t.build()), root);
    for (int d = 0; d < 8; d++) {
      for (int f = 0; f < 64; f++) {
        Path p = root.resolve("d" + d + "/f" + f);
        assertThat(Files.readString(p)).isEqualTo("content " + d + "/" + f + "\n");
        assertThat(mode(p) & 07777).isEqualTo(0640);
      }
    }
    assertThat(Files.readString(root.resolve("twice"))).isEqualTo("second\n");
    assertThat(mode(root.resolve("twice")) & 07777).isEqualTo(0600);
    assertThat(Files.isSameFile(root.resolve("d0/link"), root.resolve("d0/linked"))).isTrue();
    assertThat(Files.readString(root.resolve("becomes-dir/in"))).isEqualTo("x\n");
    assertThat(Files.readString(root.resolve("becomes-file"))).isEqualTo("file now\n");
    assertThat(Files.readString(root.resolve("d1/f3"))).isEqualTo("content 1/3\n");
  }

  @Test
  void aFailureLeavesNoWriteStillUnderWay() throws Exception {
    TarBuilder t = new TarBuilder().dir("d");
    for (int f = 0; f < 200; f++) {
      t.file("d/f" + f, "x".repeat(4096), 0644);
    }
    t.file("../escape", "no", 0644);
    Path root = tmp.resolve("failing");
    assertThatThrownBy(() -> overlay.apply(in(t.build()), root)).isInstanceOf(InvalidArgumentException.class);
    long before;
    try (var s = Files.list(root.resolve("d"))) {
      before = s.count();
    }
    Thread.sleep(50);
    try (var s = Files.list(root.resolve("d"))) {
      assertThat(s.count()).as("no file appears after apply has returned").isEqualTo(before);
    }
    assertThat(before).isEqualTo(200);
  }
}
