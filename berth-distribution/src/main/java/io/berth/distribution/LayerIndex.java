package io.berth.distribution;

import io.berth.oci.Digest;
import io.berth.store.meta.MetadataStore;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Remembers which uncompressed layer (diff id) a compressed registry blob unpacked to, so a
 * layer shared by several images is downloaded once: the next pull finds the diff in the content
 * store and skips the transfer ("Already exists").
 */
public final class LayerIndex {
  private static final String BUCKET = "compressed-layers";
  private final MetadataStore meta;

  public LayerIndex(MetadataStore meta) {
    this.meta = meta;
  }

  public Optional<Digest> diffOf(Digest compressed) {
    return meta.get(BUCKET, compressed.hex()).map(b -> Digest.parse(new String(b, StandardCharsets.UTF_8)));
  }

  public void record(Digest compressed, Digest diff) {
    meta.put(BUCKET, compressed.hex(), diff.toString().getBytes(StandardCharsets.UTF_8));
  }
}
