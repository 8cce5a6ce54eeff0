package io.berth.store.content;

import io.berth.oci.Digest;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Blobs addressed by digest, shared by images, the builder cache and the registry. A blob only
 * becomes visible once its bytes were verified against its digest.
 */
public interface ContentStore {
  /**
   * Stores a blob from {@code in}. With {@code expected}, a mismatch is refused
   * (InvalidArgumentException) and nothing becomes visible.
   */
  Digest ingest(InputStream in, Digest expected);

  boolean exists(Digest digest);

  long size(Digest digest);

  InputStream open(Digest digest);

  Path path(Digest digest);

  void delete(Digest digest);

  List<Digest> list();
}
