package io.berth.store.layer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/** Detects a layer's compression by its magic bytes (gzip, zstd or none) and decompresses. */
public final class Compression {
  private Compression() {}

  public enum Kind { NONE, GZIP, ZSTD }

  public static Kind detect(BufferedInputStream in) {
    try {
      in.mark(4);
      byte[] m = in.readNBytes(4);
      in.reset();
      if (m.length >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) {
        return Kind.GZIP;
      }
      if (m.length == 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f
          && (m[3] & 0xff) == 0xfd) {
        return Kind.ZSTD;
      }
      return Kind.NONE;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The uncompressed stream of {@code raw}; gzip is inflated by ISA-L where the host has it. */
  public static InputStream decompressed(InputStream raw) {
    BufferedInputStream in = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, 64 * 1024);
    try {
      return switch (detect(in)) {
        case GZIP -> Isal.available() ? new IsalGzipInputStream(in) : new GZIPInputStream(in, 64 * 1024);
        case ZSTD -> new ZstdCompressorInputStream(in);
        case NONE -> in;
      };
    } catch (IOException e) {
      throw new UncheckedIOException("reading layer", e);
    }
  }
}
