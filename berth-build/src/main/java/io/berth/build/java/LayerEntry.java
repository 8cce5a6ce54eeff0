package io.berth.build.java;

import java.nio.file.Path;

/**
 * One file to place in a layer: where its bytes come from ({@code source} on disk, or
 * {@code content} in memory) and where it lands in the image, with its mode. Ownership and
 * timestamps are not part of an entry on purpose: reproducible layers fix them.
 */
public record LayerEntry(String target, Path source, byte[] content, int mode) {
  public static LayerEntry file(Path source, String target) {
    return new LayerEntry(normalise(target), source, null, 0644);
  }

  public static LayerEntry bytes(byte[] content, String target, int mode) {
    return new LayerEntry(normalise(target), null, content, mode);
  }

  /** Absolute, no trailing slash, no empty or dot segments; refuses {@code ..}. */
  static String normalise(String target) {
    StringBuilder out = new StringBuilder();
    for (String seg : target.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        throw new IllegalArgumentException("layer path must not contain '..': " + target);
      }
      out.append('/').append(seg);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("layer path is empty: " + target);
    }
    return out.toString();
  }
}
