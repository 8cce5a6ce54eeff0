package io.berth.store.layer;

import io.berth.store.os.Syscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * The fuzzer's seed layers: real archives that {@link LayerTarGrammar} mutates. Some come from
 * {@link TarBuilder} (PAX xattrs with binary values, long names, hard links, symlinks out of the
 * root and entries behind them, whiteouts, devices), some from the host's GNU tar {@code -S}
 * (old GNU and PAX 0.0, 0.1 and 1.0 sparse entries with xattrs), when it is there.
 */
final class LayerTarSeeds {
  private LayerTarSeeds() {}

  /** The seeds; {@code outside} is a directory beside the root, {@code work} a scratch directory. */
  static List<byte[]> of(String outside, Path work) throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(base(outside));
    Map<String, byte[]> pax = new LinkedHashMap<>();
    pax.put("SCHILY.xattr.security.capability",
        new byte[] {0, 0, 0, 2, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    pax.put("SCHILY.xattr.user.bin", new byte[] {(byte) 0xff, 0, 1});
    pax.put("path", ("p/" + "x".repeat(150)).getBytes(StandardCharsets.UTF_8));
    seeds.add(new TarBuilder().dir("p").fileWithRawPax("p/short", "capable", 0, pax)
        .file("q/" + "y".repeat(120) + "/z", "long ustar name", 0644)
        .hardlink("p/hard", "p/" + "x".repeat(150)).symlink("p/soft", "../../outside").build());
    seeds.add(new TarBuilder().dir("d").file("d/.wh.f", "", 0644).file("d/.wh..wh..opq", "", 0644)
        .file(".wh.esc", "", 0644).file("d/new", "n", 0644).file("d/.wh.new", "", 0644)
        .node("d/fifo", TarArchiveEntry.LF_FIFO, 0, 0).node("d/null", TarArchiveEntry.LF_CHR, 1, 3).build());
    seeds.add(new TarBuilder().symlink("esc", "../outside").file("esc/x", "through", 0644)
        .symlink("abs", outside).file("abs/x", "through", 0644).symlink("d", outside).dir("d")
        .hardlink("h", outside + "/secret").build());
    seeds.add(TarBuilder.gzip(new TarBuilder().file("a", "gz", 0644).symlink("b", "a").build()));
    if (Files.isExecutable(Path.of("/usr/bin/tar")) || Files.isExecutable(Path.of("/bin/tar"))) {
      Path src = sparseSources(work.resolve("src"));
      for (String[] format : new String[][] {{"--format=gnu"}, {"--format=posix", "--sparse-version=0.0"},
          {"--format=posix", "--sparse-version=0.1"}, {"--format=posix", "--sparse-version=1.0"}}) {
        seeds.add(gnuTar(src, work.resolve("seed.tar"), format));
      }
    }
    return seeds;
  }

  /**
   * The layer applied before an input, as a lower layer would be: directories and files for
   * whiteouts to hide, and symlinks that lead out of the root, for later entries to go through.
   */
  static byte[] base(String outside) throws IOException {
    return new TarBuilder().dir("d").file("d/f", "f", 0644).dir("d/sub").file("d/sub/g", "g", 0600)
        .file("a", "a", 0644).symlink("esc", "../outside").symlink("abs", outside).symlink("up", "../../../..")
        .symlink("loop", "loop").symlink("dlink", "d").symlink("flink", "a").symlink("root", "/").build();
  }

  private static Path sparseSources(Path src) throws IOException {
    Files.createDirectories(src.resolve("d"));
    try (FileChannel f = FileChannel.open(src.resolve("holey"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      f.write(ByteBuffer.wrap("data".getBytes(StandardCharsets.US_ASCII)), 0);
      f.write(ByteBuffer.wrap("middle".getBytes(StandardCharsets.US_ASCII)), 40_000);
      f.write(ByteBuffer.wrap("end".getBytes(StandardCharsets.US_ASCII)), 100_000);
    }
    Files.writeString(src.resolve("d/small"), "small\n");
    Files.createSymbolicLink(src.resolve("d/link"), Path.of("../holey"));
    Files.createLink(src.resolve("hard"), src.resolve("d/small"));
    try {
      Syscalls.lsetxattr(src.resolve("holey").toString(), "user.note", new byte[] {1, 2, (byte) 0xff});
    } catch (Syscalls.SyscallException noUserXattrsHere) {
      // the seeds go without
    }
    return src;
  }

  private static byte[] gnuTar(Path src, Path out, String... format) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("tar", "-S"));
    cmd.addAll(List.of(format));
    cmd.addAll(List.of("--xattrs", "--xattrs-include=user.*", "-C", src.toString(), "-cf", out.toString(), "."));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("GNU tar failed: " + cmd);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    byte[] tar = Files.readAllBytes(out);
    Files.delete(out);
    return tar;
  }
}
