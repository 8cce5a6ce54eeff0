package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GzipEncodingTest {
  private static final int N = GzipEncoding.SAMPLE;

  @Test
  void randomBytesAreStored() {
    byte[] b = new byte[N];
    new Random(1).nextBytes(b);
    assertThat(GzipEncoding.choose(b)).isEqualTo(GzipEncoding.STORED);
  }

  @Test
  void textWithRepeatsUsesLz77() {
    StringBuilder s = new StringBuilder();
    Random r = new Random(2);
    while (s.length() < N) {
      s.append("2026-12-06T05:").append(r.nextInt(60)).append(" INFO request served in ").append(r.nextInt(900))
          .append(" ms\n");
    }
    assertThat(GzipEncoding.choose(s.toString().getBytes(StandardCharsets.US_ASCII))).isEqualTo(GzipEncoding.FAST);
  }

  @Test
  void skewedBytesWithoutRepeatsAreHuffmanCodedOnly() {
    byte[] b = new byte[N];
    Random r = new Random(3);
    for (int i = 0; i < N; i++) {
      b[i] = (byte) Math.min(255, (int) (-Math.log(1 - r.nextDouble()) * 12)); // exponential: few values common
    }
    assertThat(GzipEncoding.choose(b)).isEqualTo(GzipEncoding.HUFFMAN);
  }

  @Test
  void tinyLayersUseTheFastLevel() {
    assertThat(GzipEncoding.choose(new byte[100])).isEqualTo(GzipEncoding.FAST);
  }
}
