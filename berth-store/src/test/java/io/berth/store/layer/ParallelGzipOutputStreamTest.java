package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelGzipOutputStreamTest {

  /** Text-like bytes that compress, with repeats reaching across block boundaries. */
  private static byte[] sample(int size, long seed) {
    Random r = new Random(seed);
    String[] words = {"layer ", "digest ", "berth ", "registry ", "sha256 ", "\n", "manifest ", "blob "};
    ByteArrayOutputStream b = new ByteArrayOutputStream(size);
    while (b.size() < size) {
      b.writeBytes(words[r.nextInt(words.length)].getBytes());
      if (r.nextInt(50) == 0) {
        byte[] noise = new byte[r.nextInt(64)];
        r.nextBytes(noise);
        b.writeBytes(noise);
      }
    }
    return java.util.Arrays.copyOf(b.toByteArray(), size);
  }

  private static byte[] gzip(byte[] in, GzipEncoding encoding, int chunk) throws IOException {
    return gzip(in, encoding, chunk, true);
  }

  private static byte[] gzip(byte[] in, GzipEncoding encoding, int chunk, boolean isal) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream z = new ParallelGzipOutputStream(out, encoding, isal && Isal.available())) {
      for (int off = 0; off < in.length; off += chunk) {
        z.write(in, off, Math.min(chunk, in.length - off));
      }
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "ISA-L {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void roundTripsAcrossManyBlocksAndIsTheSameWhateverTheWriteSizes(boolean isal) throws IOException {
    byte[] data = sample(ParallelGzipOutputStream.BLOCK * 5 + 12345, 7);
    byte[] a = gzip(data, GzipEncoding.FAST, 8192, isal);
    byte[] b = gzip(data, GzipEncoding.FAST, 3 * ParallelGzipOutputStream.BLOCK + 1, isal);
    assertThat(gunzip(a)).isEqualTo(data);
    assertThat(b).isEqualTo(a);
    assertThat(a.length).isLessThan(data.length / 2);
  }

  @Test
  void theTwoEnginesWriteDifferentBytesOfTheSameData() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Isal.available(), "no ISA-L here");
    byte[] data = sample(ParallelGzipOutputStream.BLOCK * 2 + 99, 8);
    byte[] isal = gzip(data, GzipEncoding.FAST, 65536, true);
    assertThat(isal).isNotEqualTo(gzip(data, GzipEncoding.FAST, 65536, false));
    assertThat(gunzip(isal)).isEqualTo(data);
  }

  @Test
  void primingWithThePreviousBlockKeepsTheRatioOfOneStreamWithZlib() throws IOException {
    byte[] data = sample(ParallelGzipOutputStream.BLOCK * 4, 11);
    ByteArrayOutputStream single = new ByteArrayOutputStream();
    try (var z = new java.util.zip.GZIPOutputStream(single) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      z.write(data);
    }
    // sync flushes cost a few bytes per block; no restart of the window
    assertThat((double) gzip(data, GzipEncoding.FAST, 65536, false).length).isLessThan(single.size() * 1.01 + 64);
  }

  /** Each block starts with the random 32 KiB the one before ends with: only the previous block as dictionary finds it. */
  @Test
  void isalBlocksArePrimedWithThePreviousBlock() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Isal.available(), "no ISA-L here");
    int block = ParallelGzipOutputStream.BLOCK;
    int window = 32 * 1024;
    Random r = new Random(12);
    byte[] edge = new byte[window];
    r.nextBytes(edge);
    byte[] data = new byte[block * 4];
    r.nextBytes(data);
    for (int i = 0; i < 4; i++) {
      System.arraycopy(edge, 0, data, i * block, window);
      System.arraycopy(edge, 0, data, (i + 1) * block - window, window);
    }
    byte[] gz = gzip(data, GzipEncoding.FAST, 65536, true);
    assertThat(gunzip(gz)).isEqualTo(data);
    assertThat(gz.length).isLessThan(data.length - 2 * window);
  }

  @Test
  void emptyExactBlockAndStoredInputsAreValidGzip(@TempDir Path dir) throws Exception {
    byte[] random = new byte[ParallelGzipOutputStream.BLOCK * 2];
    new Random(3).nextBytes(random);
    for (byte[] data : new byte[][] {new byte[0], new byte[] {42}, sample(ParallelGzipOutputStream.BLOCK, 5), random}) {
      for (GzipEncoding e : new GzipEncoding[] {GzipEncoding.STORED, GzipEncoding.FAST, GzipEncoding.HUFFMAN}) {
      byte[] gz = gzip(data, e, 1000);
      assertThat(gunzip(gz)).isEqualTo(data);
      // and the system's gzip agrees (CRC and length trailer included)
      Path f = dir.resolve("x.gz");
      Files.write(f, gz);
      Process p = new ProcessBuilder("gzip", "-t", f.toString()).redirectErrorStream(true).start();
      assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
      }
    }
  }

  @Test
  void singleByteWritesWorkAndHuffmanOnlyRoundTrips() throws IOException {
    byte[] data = sample(5000, 9);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream z = new ParallelGzipOutputStream(out, GzipEncoding.HUFFMAN, false)) {
      for (byte b : data) {
        z.write(b);
      }
    }
    assertThat(gunzip(out.toByteArray())).isEqualTo(data);
  }
}
