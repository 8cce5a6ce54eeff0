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
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream z = new ParallelGzipOutputStream(out, encoding)) {
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

  @Test
  void roundTripsAcrossManyBlocksAndIsTheSameWhateverTheWriteSizes() throws IOException {
    byte[] data = sample(ParallelGzipOutputStream.BLOCK * 5 + 12345, 7);
    byte[] a = gzip(data, GzipEncoding.FAST, 8192);
    byte[] b = gzip(data, GzipEncoding.FAST, 3 * ParallelGzipOutputStream.BLOCK + 1);
    assertThat(gunzip(a)).isEqualTo(data);
    assertThat(b).isEqualTo(a);
    assertThat(a.length).isLessThan(data.length / 2);
  }

  @Test
  void primingWithThePreviousBlockKeepsTheRatioOfOneStream() throws IOException {
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
    assertThat((double) gzip(data, GzipEncoding.FAST, 65536).length).isLessThan(single.size() * 1.01 + 64);
  }

  @Test
  void emptyExactBlockAndStoredInputsAreValidGzip(@TempDir Path dir) throws Exception {
    byte[] random = new byte[ParallelGzipOutputStream.BLOCK * 2];
    new Random(3).nextBytes(random);
    for (byte[] data : new byte[][] {new byte[0], new byte[] {42}, sample(ParallelGzipOutputStream.BLOCK, 5), random}) {
      byte[] gz = gzip(data, data == random ? GzipEncoding.STORED : GzipEncoding.FAST, 1000);
      assertThat(gunzip(gz)).isEqualTo(data);
      // and the system's gzip agrees (CRC and length trailer included)
      Path f = dir.resolve("x.gz");
      Files.write(f, gz);
      Process p = new ProcessBuilder("gzip", "-t", f.toString()).redirectErrorStream(true).start();
      assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }
  }

  @Test
  void singleByteWritesWorkAndHuffmanOnlyRoundTrips() throws IOException {
    byte[] data = sample(5000, 9);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream z = new ParallelGzipOutputStream(out, GzipEncoding.HUFFMAN)) {
      for (byte b : data) {
        z.write(b);
      }
    }
    assertThat(gunzip(out.toByteArray())).isEqualTo(data);
  }
}
