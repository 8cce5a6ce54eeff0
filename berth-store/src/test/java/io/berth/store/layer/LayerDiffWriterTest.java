package io.berth.store.layer;

import static io.berth.store.layer.LayerApplierTest.CAPS;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.store.os.Syscalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerDiffWriterTest {
  private static final byte[] USER = {(byte) 0xfe, 0, '\n', (byte) 0x80};
  private static final String LONG = "d/" + "n".repeat(120);
  @TempDir Path tmp;
  private Path upper;

  /** An overlay upper directory's worth of changes, with attributes of every kind on them. */
  @BeforeEach
  void tree() throws Exception {
    upper = tmp.resolve("upper");
    Files.createDirectories(upper.resolve("bin"));
    Files.createDirectories(upper.resolve("d"));
    Path capbox = upper.resolve("bin/capbox");
    Files.writeString(capbox, "binary");
    set(capbox, "security.capability", CAPS);
    set(capbox, "user.blob", USER);
    set(capbox, "trusted.overlay.origin", new byte[] {0, 1, 2});
    set(capbox, "user.overlay.impure", "y".getBytes(StandardCharsets.US_ASCII));
    Files.createLink(upper.resolve("bin/capbox2"), capbox);
    set(upper.resolve("d"), "trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII));
    set(upper.resolve("d"), "user.dir", "v".getBytes(StandardCharsets.US_ASCII));
    Path longName = upper.resolve(LONG);
    Files.writeString(longName, "long");
    set(longName, "security.capability", CAPS);
    Files.setLastModifiedTime(longName, FileTime.fromMillis(1_700_000_000_250L));
    Files.writeString(upper.resolve("plain"), "p");
  }

  private static void set(Path p, String name, byte[] value) {
    Syscalls.lsetxattr(p.toString(), name, value);
  }

  private byte[] layer() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerDiffWriter.write(upper, out);
    return out.toByteArray();
  }

  @Test
  void writesCapabilitiesAndUserAttributesButNeverOverlaysOwn() throws Exception {
    Map<String, Map<String, byte[]>> seen = new HashMap<>();
    try (XattrTarInputStream tar = new XattrTarInputStream(new ByteArrayInputStream(layer()))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        seen.put(e.getName(), tar.xattrs());
      }
    }
    assertThat(seen.get("bin/capbox")).containsOnlyKeys("security.capability", "user.blob");
    assertThat(seen.get("bin/capbox").get("security.capability")).isEqualTo(CAPS);
    assertThat(seen.get("bin/capbox").get("user.blob")).isEqualTo(USER);
    assertThat(seen.get("bin/capbox2")).as("a hard link shares the inode's").isEmpty();
    assertThat(seen.get("d/")).containsOnlyKeys("user.dir");
    assertThat(seen).as("opacity goes as a whiteout entry").containsKey("d/.wh..wh..opq");
    assertThat(seen.get(LONG).get("security.capability")).isEqualTo(CAPS);
    assertThat(seen.get("plain")).isEmpty();
  }

  /** Go's reader (Docker's, containerd's) keeps only the last of consecutive PAX headers. */
  @Test
  void everyEntryHasAtMostOnePaxHeader() throws Exception {
    byte[] tar = layer();
    List<Character> types = new ArrayList<>();
    for (int off = 0; off + 512 <= tar.length; ) {
      if (tar[off] == 0) {
        break;
      }
      char type = (char) tar[off + 156];
      types.add(type);
      long size = Long.parseLong(new String(tar, off + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
      off += 512 + (int) ((size + 511) / 512 * 512);
    }
    String sequence = types.stream().map(String::valueOf).reduce("", String::concat);
    assertThat(sequence).contains("x").doesNotContain("xx");
  }

  @Test
  void roundTripsThroughTheApplier() throws Exception {
    Path r = tmp.resolve("applied");
    new LayerApplier().apply(new ByteArrayInputStream(layer()), r);
    assertThat(Syscalls.lgetxattr(r.resolve("bin/capbox").toString(), "security.capability")).isEqualTo(CAPS);
    assertThat(Syscalls.lgetxattr(r.resolve("bin/capbox").toString(), "user.blob")).isEqualTo(USER);
    assertThat(Syscalls.lgetxattr(r.resolve("bin/capbox").toString(), "trusted.overlay.origin")).isNull();
    assertThat(Syscalls.lgetxattr(r.resolve(LONG).toString(), "security.capability")).isEqualTo(CAPS);
    assertThat(Files.readString(r.resolve(LONG))).isEqualTo("long");
    assertThat(Files.getLastModifiedTime(r.resolve(LONG)).toMillis()).isEqualTo(1_700_000_000_250L);
    assertThat(Syscalls.lgetxattr(r.resolve("d").toString(), "trusted.overlay.opaque"))
        .as("from the whiteout entry").isEqualTo("y".getBytes(StandardCharsets.US_ASCII));
    assertThat(Syscalls.lgetxattr(r.resolve("d").toString(), "user.dir")).isEqualTo("v".getBytes());
  }

  @Test
  void gnuTarRestoresWhatTheLayerCarries() throws Exception {
    Path layer = tmp.resolve("layer.tar");
    Files.write(layer, layer());
    Path out = tmp.resolve("gnu");
    Files.createDirectories(out);
    GnuTar.run("--xattrs", "--xattrs-include=*", "-C", out.toString(), "-xpf", layer.toString());
    assertThat(Syscalls.lgetxattr(out.resolve("bin/capbox").toString(), "security.capability")).isEqualTo(CAPS);
    assertThat(Syscalls.lgetxattr(out.resolve("bin/capbox").toString(), "user.blob")).isEqualTo(USER);
    assertThat(Syscalls.lgetxattr(out.resolve(LONG).toString(), "security.capability")).isEqualTo(CAPS);
    assertThat(Files.getLastModifiedTime(out.resolve(LONG)).toMillis()).isEqualTo(1_700_000_000_250L);
  }

  /** A revision-3 capability names a root uid of one user namespace; layers carry revision 2, as moby's. */
  @Test
  void namespacedCapabilitiesAreWrittenAsRevision2() throws Exception {
    byte[] v3 = new byte[24];
    System.arraycopy(CAPS, 0, v3, 0, 20);
    v3[3] = 3;
    v3[20] = (byte) 0xe8; // root uid 1000
    v3[21] = 3;
    Path f = upper.resolve("plain");
    set(f, "security.capability", v3);
    byte[] stored = Syscalls.lgetxattr(f.toString(), "security.capability");
    org.junit.jupiter.api.Assumptions.assumeTrue(stored.length == 24, "the kernel kept revision 3");
    byte[] written = null;
    try (XattrTarInputStream tar = new XattrTarInputStream(new ByteArrayInputStream(layer()))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (e.getName().equals("plain")) {
          written = tar.xattrs().get("security.capability");
        }
      }
    }
    assertThat(written).isEqualTo(CAPS);
  }
}
