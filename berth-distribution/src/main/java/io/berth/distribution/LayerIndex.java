package io.berth.distribution;

import io.berth.oci.Digest;
import io.berth.store.meta.MetadataStore;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Remembers which uncompressed layer (diff id) a compressed registry blob holds, both ways: a
 * layer shared by several images is downloaded once (the next pull finds the diff in the content
 * store: "Already exists"), and a push first asks the registry for the compressed blob it knows,
 * without compressing the layer again. The way back is kept per compression, so a gzip push
 * never names a zstd blob.
 */
public final class LayerIndex {
  /** How a registry blob is compressed. */
  public enum Kind { GZIP, ZSTD }

  private static final String BUCKET = "compressed-layers";
  private static final String SOURCES = "blob-repositories";
  private final MetadataStore meta;

  public LayerIndex(MetadataStore meta) {
    this.meta = meta;
  }

  public Optional<Digest> diffOf(Digest compressed) {
    return meta.get(BUCKET, compressed.hex()).map(b -> Digest.parse(new String(b, StandardCharsets.UTF_8)));
  }

  /** A blob of this compression known to hold {@code diff} (pulled or pushed before). */
  public Optional<Digest> compressedOf(Digest diff, Kind kind) {
    return meta.get(reverse(kind), diff.hex()).map(b -> Digest.parse(new String(b, StandardCharsets.UTF_8)));
  }

  /** Records a blob; {@code kind} null (an uncompressed or unknown blob) records only the way forward. */
  public void record(Digest compressed, Digest diff, Kind kind) {
    meta.put(BUCKET, compressed.hex(), diff.toString().getBytes(StandardCharsets.UTF_8));
    if (kind != null) {
      meta.put(reverse(kind), diff.hex(), compressed.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Remembers a repository ({@code domain/path}) known to hold a compressed blob, for cross-repo mounts. */
  public void seenIn(Digest compressed, String repository) {
    meta.put(SOURCES, compressed.hex(), repository.getBytes(StandardCharsets.UTF_8));
  }

  /** A repository that held the blob when it was last pulled or pushed. */
  public Optional<String> seenIn(Digest compressed) {
    return meta.get(SOURCES, compressed.hex()).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  private static String reverse(Kind kind) {
    return kind == Kind.GZIP ? "layer-compressed" : "layer-compressed-zstd";
  }
}
