package io.berth.store.content;

import io.berth.oci.Digest;
import java.io.InputStream;
import java.util.List;

/**
 * Blobs addressed by digest, shared by images, the builder cache and the registry. A blob only
 * becomes visible once its bytes were verified against its digest; every method may be called
 * from many threads at once, and ingests of the same bytes side by side give one blob.
 * The behaviour every implementation shows is pinned by {@code ContentStoreConformance}.
 */
public interface ContentStore {
  /**
   * Stores a blob from {@code in} (sha256 unless {@code expected} names another algorithm) and
   * returns its digest. With {@code expected}, a mismatch is refused (InvalidArgumentException)
   * and nothing becomes visible; storing what is stored already is no error. A stream that fails
   * leaves nothing visible either.
   */
  Digest ingest(InputStream in, Digest expected);

  boolean exists(Digest digest);

  /** The blob's size in bytes; NotFoundException when it is not stored. */
  long size(Digest digest);

  /** The blob's bytes; NotFoundException when it is not stored. */
  InputStream open(Digest digest);

  /** Removes the blob; no error when it was not stored. */
  void delete(Digest digest);

  /** The stored blobs' digests, in no particular order. */
  List<Digest> list();
}
