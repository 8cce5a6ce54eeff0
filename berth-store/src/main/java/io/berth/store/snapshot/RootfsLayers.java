package io.berth.store.snapshot;

import io.berth.oci.Digest;
import java.util.List;

/**
 * What a snapshot is made of: its layers by diff id, bottom first, each stored uncompressed in the
 * content store under that digest (decision 0005). The snapshotter needs no more of an image than
 * this, so images (one layer up) implement it and the snapshotter never sees the image record.
 */
public interface RootfsLayers {
  List<Digest> diffIds();

  /** Layers given by diff id only, for callers that hold no image (a build stage, a test). */
  static RootfsLayers of(List<Digest> diffIds) {
    List<Digest> copy = List.copyOf(diffIds);
    return () -> copy;
  }
}
