package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import io.berth.store.os.Syscalls;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sparse entries as GNU tar {@code -S} writes them (old GNU 'S' headers, PAX sparse formats 0.0,
 * 0.1 and 1.0): applied byte for byte, holes left as holes, extended attributes kept.
 */
class LayerApplierSparseTest {
  private static final long MIB = 1024 * 1024;
  @TempDir Path tmp;

  /** Files with holes at the start, in the middle, at the end, only holes, and none. */
  private Path sources() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("d"));
    Random random = new Random(42);
    byte[] chunk = new byte[70_000];
    random.nextBytes(chunk);
    try (FileChannel f = FileChannel.open(src.resolve("holey"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      f.write(ByteBuffer.wrap(chunk), 0);
      f.write(ByteBuffer.wrap("middle".getBytes(StandardCharsets.US_ASCII)), 5 * MIB + 123);
      f.write(ByteBuffer.wrap(chunk), 9 * MIB);
      f.truncate(9 * MIB + chunk.length); // the file ends with data
    }
    try (FileChannel f = FileChannel.open(src.resolve("d/lead-and-tail"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      f.write(ByteBuffer.wrap(chunk), 3 * MIB); // a hole first
      f.write(ByteBuffer.allocate(1), 20 * MIB - 1); // and at the end (one zero byte)
    }
    try (FileChannel f = FileChannel.open(src.resolve("d/hole-only"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      f.write(ByteBuffer.allocate(1), 8 * MIB - 1); // nothing but zeros
    }
    Files.write(src.resolve("dense"), chunk);
    Files.writeString(src.resolve("d/small"), "not sparse at all\n");
    Syscalls.lsetxattr(src.resolve("holey").toString(), "user.note", new byte[] {1, 2, (byte) 0xff});
    return src;
  }

  private Path gnuTar(Path src, String... format) throws Exception {
    Path layer = tmp.resolve("layer-" + String.join("", format).replaceAll("[^a-z0-9.]", "") + ".tar");
    List<String> args = new ArrayList<>(List.of("-S"));
    args.addAll(List.of(format));
    args.addAll(List.of("--xattrs", "--xattrs-include=user.*", "-C", src.toString(), "-cf", layer.toString(), "."));
    GnuTar.run(args.toArray(String[]::new));
    return layer;
  }

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "posix:0.0", "posix:0.1", "posix:1.0"})
  void sparseEntriesOfGnuTarApplyByteForByteWithTheirHoles(String kind) throws Exception {
    Path src = sources();
    String[] format = kind.equals("gnu") ? new String[] {"--format=gnu"}
        : new String[] {"--format=posix", "--sparse-version=" + kind.substring(6)};
    Path layer = gnuTar(src, format);
    Path r = tmp.resolve("applied");
    LayerApplier.Applied a = new LayerApplier().apply(Files.newInputStream(layer), r);
    assertThat(a.diffId()).isEqualTo(Digest.sha256(Files.readAllBytes(layer)));
    assertThat(a.size()).isEqualTo(Files.size(layer));
    for (String f : new String[] {"holey", "d/lead-and-tail", "d/hole-only", "dense", "d/small"}) {
      assertThat(Files.size(r.resolve(f))).as(f).isEqualTo(Files.size(src.resolve(f)));
      assertThat(Files.mismatch(r.resolve(f), src.resolve(f))).as(f + " byte for byte").isEqualTo(-1);
    }
    // holes stay holes: a few blocks, not the 9, 20 and 8 MiB the files span
    assertThat(allocated(r.resolve("holey"))).isLessThan(MIB);
    assertThat(allocated(r.resolve("d/lead-and-tail"))).isLessThan(MIB);
    assertThat(allocated(r.resolve("d/hole-only"))).isLessThan(64 * 1024);
    if (!kind.equals("gnu")) { // GNU tar keeps xattrs only in PAX headers
      assertThat(Syscalls.lgetxattr(r.resolve("holey").toString(), "user.note"))
          .isEqualTo(new byte[] {1, 2, (byte) 0xff});
    }
    // GNU tar reads back what was applied the same way it reads the source
    Path again = tmp.resolve("again");
    Files.createDirectories(again);
    GnuTar.run("-xf", layer.toString(), "-C", again.toString());
    assertThat(Files.mismatch(again.resolve("holey"), r.resolve("holey"))).isEqualTo(-1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "posix"})
  void sparseFilesOverTheCommonsCompressLimitsApplyWithoutWritingTheirHoles(String format) throws Exception {
    // over 2 GiB (PAX real sizes parsed as int) and 8 GiB (old GNU real size in base-256)
    long size = 12L * 1024 * MIB;
    Path src = tmp.resolve("big");
    Files.createDirectories(src);
    byte[] head = "head".getBytes(StandardCharsets.US_ASCII);
    byte[] tail = "tail".getBytes(StandardCharsets.US_ASCII);
    try (FileChannel f = FileChannel.open(src.resolve("disk.img"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      f.write(ByteBuffer.wrap(head), 4096);
      f.write(ByteBuffer.wrap(tail), size - tail.length);
    }
    Path r = tmp.resolve("applied");
    new LayerApplier(LayerApplier.Whiteouts.DELETE).apply(Files.newInputStream(gnuTar(src, "--format=" + format)), r);
    Path img = r.resolve("disk.img");
    assertThat(Files.size(img)).isEqualTo(size);
    assertThat(allocated(img)).as("only the two data blocks are on disk").isLessThan(MIB);
    // the holes read as zeros; the data sit where they were
    try (FileChannel f = FileChannel.open(img)) {
      assertThat(bytesAt(f, 4090, 16)).isEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 'h', 'e', 'a', 'd', 0, 0, 0, 0, 0, 0});
      assertThat(bytesAt(f, size - 6, 6)).isEqualTo(new byte[] {0, 0, 't', 'a', 'i', 'l'});
    }
  }

  private static byte[] bytesAt(FileChannel f, long at, int n) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining() && f.read(b, at + b.position()) > 0) {
      // until full
    }
    return b.array();
  }

  /** A PAX sparse entry written by hand: records, then the stored data (for 1.0: the map first). */
  private static byte[] paxSparse(String name, String data, String... records) throws Exception {
    Map<String, byte[]> pax = new LinkedHashMap<>();
    for (int i = 0; i < records.length; i += 2) {
      pax.put(records[i], records[i + 1].getBytes(StandardCharsets.US_ASCII));
    }
    return new TarBuilder().fileWithRawPax("GNUSparseFile.1/" + name, data, 0, pax).build();
  }

  private static String map1(String lines) {
    return lines + "\0".repeat(512 - lines.length());
  }

  @Test
  void handWrittenPaxSparseEntriesApplyAndMalformedMapsAreRefusedNamingTheEntry() throws Exception {
    Path ok = tmp.resolve("ok");
    new LayerApplier().apply(new ByteArrayInputStream(paxSparse("f", map1("2\n0\n2\n10\n3\n") + "abxyz",
        "GNU.sparse.major", "1", "GNU.sparse.minor", "0", "GNU.sparse.name", "dir/f", "GNU.sparse.realsize", "20")), ok);
    byte[] expected = new byte[20];
    expected[0] = 'a';
    expected[1] = 'b';
    expected[10] = 'x';
    expected[11] = 'y';
    expected[12] = 'z';
    assertThat(Files.readAllBytes(ok.resolve("dir/f"))).isEqualTo(expected);
    assertThat(Files.exists(ok.resolve("GNUSparseFile.1"))).isFalse();

    String[][] refused = {
        {"past its size", "data", "GNU.sparse.size", "100", "GNU.sparse.numblocks", "1", "GNU.sparse.map", "98,4"},
        {"overlapping", "datadata", "GNU.sparse.size", "100", "GNU.sparse.map", "0,4,2,4"},
        {"more data than stored", "data", "GNU.sparse.size", "100", "GNU.sparse.map", "0,10"},
        {"less data than stored", "datadata", "GNU.sparse.size", "100", "GNU.sparse.map", "0,4"},
        {"odd map", "data", "GNU.sparse.size", "100", "GNU.sparse.map", "0,4,8"},
        {"numblocks", "data", "GNU.sparse.size", "100", "GNU.sparse.numblocks", "2", "GNU.sparse.map", "0,4"},
        {"negative", "data", "GNU.sparse.size", "100", "GNU.sparse.map", "-1,4"},
        {"no real size", "data", "GNU.sparse.map", "0,4"},
        {"huge number", "data", "GNU.sparse.size", "99999999999999999999", "GNU.sparse.map", "0,4"},
        {"unknown version", "data", "GNU.sparse.major", "2", "GNU.sparse.minor", "0", "GNU.sparse.realsize", "4"},
        {"1.0 map past the data", "1\n0\n4\n", "GNU.sparse.major", "1", "GNU.sparse.minor", "0",
            "GNU.sparse.realsize", "4"},
        {"1.0 map count", map1("999999999\n0\n4\n") + "data", "GNU.sparse.major", "1", "GNU.sparse.minor", "0",
            "GNU.sparse.realsize", "4"},
        {"1.0 map junk", map1("1\n0\nx4\n") + "data", "GNU.sparse.major", "1", "GNU.sparse.minor", "0",
            "GNU.sparse.realsize", "4"},
    };
    for (String[] c : refused) {
      byte[] tar = paxSparse("bad", c[1], Arrays.copyOfRange(c, 2, c.length));
      assertThatThrownBy(() -> new LayerApplier().apply(new ByteArrayInputStream(tar), tmp.resolve("bad")))
          .as(c[0]).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("GNUSparseFile.1/bad");
    }
  }

  @Test
  void paxHeadersOverOneMebibyteAreRefusedAsInGo() throws Exception {
    byte[] tar = new TarBuilder().fileWithRawPax("f", "x", 0,
        Map.of("comment", "c".repeat(XattrTarInputStream.MAX_PAX_HEADER).getBytes(StandardCharsets.US_ASCII))).build();
    assertThatThrownBy(() -> new LayerApplier().apply(new ByteArrayInputStream(tar), tmp.resolve("big")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("PAX header").hasMessageContaining("PaxHeaders/f");
  }

  @Test
  void starSparseRecordsDoNotMakeTheReaderRunPastTheEntry() throws Exception {
    byte[] tar = new TarBuilder().fileWithRawPax("f", "abc", 0, new LinkedHashMap<>(Map.of(
        "SCHILY.filetype", "sparse".getBytes(StandardCharsets.US_ASCII),
        "SCHILY.realsize", "100000".getBytes(StandardCharsets.US_ASCII)))).file("after", "a", 0644).build();
    Path r = tmp.resolve("star");
    new LayerApplier().apply(new ByteArrayInputStream(tar), r);
    assertThat(Files.readString(r.resolve("f"))).as("a plain file, as Go reads it").isEqualTo("abc");
    assertThat(Files.readString(r.resolve("after"))).isEqualTo("a");
  }

  /** Bytes the file system allocated for the file (st_blocks * 512). */
  private static long allocated(Path p) throws Exception {
    Process proc = new ProcessBuilder("stat", "-c", "%b", p.toString()).redirectErrorStream(true).start();
    assertThat(proc.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return Long.parseLong(new String(proc.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip()) * 512;
  }
}
