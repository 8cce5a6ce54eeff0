package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sparse files in a layer, as {@code tar -S} writes them, through {@code docker import} (which
 * goes through the same layer applier as pulls and loads) and {@code docker run}: a 10 MiB file
 * with holes read back byte for byte (md5sum), and a 12 GiB file (past the 2 GiB and 8 GiB sizes
 * where tar readers' sparse headers change shape) that takes a few blocks of disk, with its data
 * where they were.
 */
class SparseLayersIT {
  private static final Path DIR = TestDaemon.BASE.resolve("sparse-it");
  private static final long MIB = 1024 * 1024;
  private static final long BIG = 12 * 1024 * MIB;
  private static String smallMd5;

  @BeforeAll
  static void rootfs() throws Exception {
    TestDaemon.ensure();
    Path rootfs = HostRootfs.busybox(DIR);
    Files.createDirectories(rootfs.resolve("sparse"));
    byte[] chunk = new byte[100_000];
    new Random(7).nextBytes(chunk);
    try (RandomAccessFile f = new RandomAccessFile(rootfs.resolve("sparse/small").toFile(), "rw")) {
      f.seek(MIB);
      f.write(chunk);
      f.seek(6 * MIB + 17);
      f.write(chunk, 0, 5000);
      f.setLength(10 * MIB); // ends in a hole
    }
    try (RandomAccessFile f = new RandomAccessFile(rootfs.resolve("sparse/big").toFile(), "rw")) {
      f.seek(4096);
      f.write("head".getBytes(StandardCharsets.US_ASCII));
      f.seek(BIG - 4);
      f.write("tail".getBytes(StandardCharsets.US_ASCII));
    }
    Exec.Result md5 = Exec.run(Map.of(), null, 60, List.of("md5sum", rootfs.resolve("sparse/small").toString()));
    check(md5, "md5sum");
    smallMd5 = md5.out().split(" ")[0];
  }

  @AfterAll
  static void cleanup() {
    for (String f : new String[] {"gnu", "posix-1.0", "posix-0.1", "posix-0.0"}) {
      docker("rmi", "-f", "it/sparse-" + f + ":1");
    }
    Exec.sh("rm -rf " + DIR);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "posix-1.0", "posix-0.1", "posix-0.0"})
  void aSparseTarImportsAndRunsWithItsContentAndItsHoles(String format) throws Exception {
    Path tar = DIR.resolve(format + ".tar");
    String[] f = format.split("-");
    if (f.length == 1) {
      HostRootfs.run("tar", "-S", "--format=gnu", "--numeric-owner", "-C", DIR.resolve("rootfs").toString(), "-cf",
          tar.toString(), ".");
    } else {
      HostRootfs.run("tar", "-S", "--format=posix", "--sparse-version=" + f[1], "--numeric-owner", "-C",
          DIR.resolve("rootfs").toString(), "-cf", tar.toString(), ".");
    }
    assertThat(Files.size(tar)).as("tar -S stored only the data").isLessThan(20 * MIB);
    String image = "it/sparse-" + format + ":1";
    check(docker("import", "-c", "CMD [\"/bin/sh\"]", tar.toString(), image), "docker import of a " + format + " sparse tar");
    Exec.Result r = docker("run", "--rm", image, "sh", "-c",
        "md5sum /sparse/small; stat -c '%s %b' /sparse/big; dd if=/sparse/big bs=1 skip=4096 count=4 2>/dev/null;"
            + " echo; dd if=/sparse/big bs=1 skip=" + (BIG - 4) + " count=4 2>/dev/null");
    check(r, "docker run reading the sparse files");
    String[] lines = r.out().split("\n");
    assertThat(lines[0]).startsWith(smallMd5 + " ");
    String[] stat = lines[1].split(" ");
    assertThat(Long.parseLong(stat[0])).isEqualTo(BIG);
    assertThat(Long.parseLong(stat[1]) * 512).as("blocks the 12 GiB file takes").isLessThan(MIB);
    assertThat(lines[2]).isEqualTo("head");
    assertThat(lines[3]).isEqualTo("tail");
  }
}
