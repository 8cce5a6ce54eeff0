package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ISA-L's inflate against the JDK's GZIPInputStream, on what registries and tools actually send. */
class IsalGzipInputStreamTest {

  /** libisal2 is installed by the README's setup; without it every pull silently takes the slow path. */
  @BeforeAll
  static void isalIsThere() {
    assertThat(Isal.available()).as("libisal.so.2 (Debian libisal2) loaded through FFM").isTrue();
  }

  private static byte[] text(int size, long seed) {
    Random r = new Random(seed);
    String[] words = {"GET /v2/ ", "200 ", "sha256:", "layer ", "\n", "manifest ", "upload ", "blob "};
    ByteArrayOutputStream b = new ByteArrayOutputStream(size);
    while (b.size() < size) {
      b.writeBytes(words[r.nextInt(words.length)].getBytes());
      b.writeBytes(Integer.toString(r.nextInt(100000)).getBytes());
    }
    return Arrays.copyOf(b.toByteArray(), size);
  }

  private static byte[] zlibGzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  /** Hands out at most {@code max} bytes per read, as a network stream may. */
  private static InputStream trickle(byte[] b, int max) {
    return new FilterInputStream(new ByteArrayInputStream(b)) {
      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        return super.read(buf, off, Math.min(len, max));
      }
    };
  }

  private static byte[] isal(InputStream in) throws IOException {
    try (InputStream z = new IsalGzipInputStream(in)) {
      return z.readAllBytes();
    }
  }

  private static byte[] jdk(byte[] gz) throws IOException {
    try (InputStream z = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return z.readAllBytes();
    }
  }

  @Test
  void readsWhatZlibAndOurParallelWriterWriteWhateverTheReadSizes() throws IOException {
    byte[] data = text(3 * 1024 * 1024 + 17, 1);
    ByteArrayOutputStream parallel = new ByteArrayOutputStream();
    try (var z = new ParallelGzipOutputStream(parallel, GzipEncoding.FAST)) {
      z.write(data);
    }
    for (byte[] gz : new byte[][] {zlibGzip(data), parallel.toByteArray()}) {
      for (int max : new int[] {1, 7, 4096, 1 << 20}) {
        assertThat(isal(trickle(gz, max))).as("reads of %d", max).isEqualTo(data);
      }
    }
  }

  @Test
  void readsTheSystemsGzipWithAFileNameAndRandomData(@TempDir Path dir) throws Exception {
    byte[] random = new byte[2 * 1024 * 1024];
    new Random(2).nextBytes(random);
    Path f = dir.resolve("layer.tar");
    Files.write(f, random);
    Process p = new ProcessBuilder("gzip", "-k", "-6", f.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor()).isZero();
    byte[] gz = Files.readAllBytes(dir.resolve("layer.tar.gz"));
    assertThat(gz[3] & 0x08).as("FNAME set").isNotZero();
    assertThat(isal(trickle(gz, 1000))).isEqualTo(random);
  }

  @Test
  void membersThatFollowOneAnotherAreOneStream() throws IOException {
    byte[] a = text(200_000, 3);
    byte[] b = text(5, 4);
    byte[] c = text(70_000, 5);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : new byte[][] {a, b, new byte[0], c}) {
      all.writeBytes(zlibGzip(part));
    }
    byte[] gz = all.toByteArray();
    byte[] expected = jdk(gz);
    assertThat(expected).hasSize(a.length + b.length + c.length);
    for (int max : new int[] {1, 3, 10, 999, 65536, 1 << 20}) {
      assertThat(isal(trickle(gz, max))).as("reads of %d", max).isEqualTo(expected);
    }
  }

  @Test
  void bytesAfterTheLastMemberThatAreNotGzipAreIgnoredAsTheJdkDoes() throws IOException {
    byte[] data = text(10_000, 6);
    byte[] gz = zlibGzip(data);
    byte[] padded = Arrays.copyOf(gz, gz.length + 512); // zeros, as some tools pad
    assertThat(isal(new ByteArrayInputStream(padded))).isEqualTo(data).isEqualTo(jdk(padded));
  }

  @Test
  void aTruncatedStreamFailsAndNeverLooksComplete() throws IOException {
    byte[] gz = zlibGzip(text(300_000, 7));
    for (int cut : new int[] {10, gz.length / 2, gz.length - 8, gz.length - 1}) {
      byte[] part = Arrays.copyOf(gz, cut);
      assertThatThrownBy(() -> isal(trickle(part, 4096))).as("cut at %d", cut).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void aWrongChecksumOrCorruptDataOrNoGzipAtAllIsAnError() throws IOException {
    byte[] gz = zlibGzip(text(100_000, 8));
    byte[] badCrc = gz.clone();
    badCrc[gz.length - 6] ^= 1;
    assertThatThrownBy(() -> isal(new ByteArrayInputStream(badCrc))).isInstanceOf(ZipException.class);
    byte[] badLength = gz.clone();
    badLength[gz.length - 2] ^= 1;
    assertThatThrownBy(() -> isal(new ByteArrayInputStream(badLength))).isInstanceOf(IOException.class);
    byte[] corrupt = gz.clone();
    for (int i = 20; i < 60; i++) {
      corrupt[i] = (byte) 0xff;
    }
    assertThatThrownBy(() -> isal(new ByteArrayInputStream(corrupt))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> isal(new ByteArrayInputStream("plain tar".getBytes())))
        .isInstanceOf(ZipException.class).hasMessage("Not in GZIP format");
    assertThatThrownBy(() -> isal(new ByteArrayInputStream(new byte[0]))).isInstanceOf(ZipException.class);
  }

  @Test
  void compressionPicksIsalForGzip() throws IOException {
    byte[] data = text(1000, 9);
    try (InputStream in = Compression.decompressed(new ByteArrayInputStream(zlibGzip(data)))) {
      assertThat(in).isInstanceOf(IsalGzipInputStream.class);
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }
}
