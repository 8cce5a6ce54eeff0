package io.berth.distribution;

import io.berth.oci.Digest;
import io.berth.store.meta.MetadataStore;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Remembers which uncompressed layer (diff id) a compressed registry blob holds, both ways: a
 * layer shared by several images is downloaded once (the next pull finds the diff in the content
 * store: "Already exists"), and a push first asks the registry for the compressed blob it knows,
 * without compressing the layer again.
 */
public final class LayerIndex {
  private static final String BUCKET = "compressed-layers";
  private static final String REVERSE = "layer-compressed";
  private final MetadataStore meta;

  public LayerIndex(MetadataStore meta) {
    this.meta = meta;
  }

  public Optional<Digest> diffOf(Digest compressed) {
    return meta.get(BUCKET, compressed.hex()).map(b -> Digest.parse(new String(b, StandardCharsets.UTF_8)));
  }

  /** A compressed blob known to hold this diff (pulled or pushed before), for push to HEAD first. */
  public Optional<Digest> compressedOf(Digest diff) {
    return meta.get(REVERSE, diff.hex()).map(b -> Digest.parse(new String(b, StandardCharsets.UTF_8)));
  }

  public void record(Digest compressed, Digest diff) {
    meta.put(BUCKET, compressed.hex(), diff.toString().getBytes(StandardCharsets.UTF_8));
    meta.put(REVERSE, diff.hex(), compressed.toString().getBytes(StandardCharsets.UTF_8));
  }
}
