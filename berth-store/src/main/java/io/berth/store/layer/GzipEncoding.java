package io.berth.store.layer;

import java.util.zip.Deflater;

/**
 * How a layer is deflated for a push, chosen from its first bytes: data that does not shrink
 * (random, already compressed) goes into stored blocks, which cost almost nothing; data whose
 * redundancy is in byte frequencies rather than repeats (skewed binary) is Huffman-coded only,
 * which is both smaller and two to three times faster there than LZ77 matching; the rest uses the
 * fastest LZ77 level. The choice depends only on the bytes, so a re-push gives the same digest.
 */
public record GzipEncoding(int level, int strategy) {
  public static final GzipEncoding FAST = new GzipEncoding(Deflater.BEST_SPEED, Deflater.DEFAULT_STRATEGY);
  public static final GzipEncoding HUFFMAN = new GzipEncoding(Deflater.BEST_SPEED, Deflater.HUFFMAN_ONLY);
  public static final GzipEncoding STORED = new GzipEncoding(Deflater.NO_COMPRESSION, Deflater.DEFAULT_STRATEGY);

  /** Bytes of a layer's start that decide; more costs time before the first byte goes out. */
  public static final int SAMPLE = 1 << 20;

  /** Of the sample, the part that is trial-compressed: enough to judge, cheap to compress twice. */
  private static final int JUDGED = 256 * 1024;

  public static GzipEncoding choose(byte[] sample) {
    if (sample.length < 4096) {
      return FAST;
    }
    int n = Math.min(sample.length, JUDGED);
    long fast = deflatedSize(sample, n, FAST);
    if (fast > n * 0.95) {
      return STORED;
    }
    // Huffman-only must win outright: on text, LZ77 matches save far more than they cost
    return deflatedSize(sample, n, HUFFMAN) <= fast ? HUFFMAN : FAST;
  }

  private static long deflatedSize(byte[] sample, int n, GzipEncoding e) {
    Deflater d = new Deflater(e.level, true);
    try {
      d.setStrategy(e.strategy);
      d.setInput(sample, 0, n);
      d.finish();
      byte[] buf = new byte[65536];
      long out = 0;
      while (!d.finished()) {
        out += d.deflate(buf);
      }
      return out;
    } finally {
      d.end();
    }
  }
}
