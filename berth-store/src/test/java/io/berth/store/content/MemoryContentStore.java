package io.berth.store.content;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ContentStore} in memory, for unit tests of what sits on the store: blobs are byte arrays
 * in a concurrent map, verified before they are put there, so a failed ingest leaves nothing as
 * in {@link FileContentStore}. Passes {@link ContentStoreConformance}.
 */
public final class MemoryContentStore implements ContentStore {
  private final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();

  @Override
  public Digest ingest(InputStream in, Digest expected) {
    byte[] bytes;
    try {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("storing blob: " + e.getMessage(), e);
    }
    String algorithm = expected != null ? expected.algorithm() : "sha256";
    Digest actual = Digest.of(algorithm, bytes);
    if (expected != null && !expected.equals(actual)) {
      throw new InvalidArgumentException("digest mismatch: expected " + expected + ", got " + actual);
    }
    blobs.putIfAbsent(actual, bytes);
    return actual;
  }

  @Override
  public boolean exists(Digest digest) {
    return blobs.containsKey(digest);
  }

  @Override
  public long size(Digest digest) {
    return stored(digest).length;
  }

  @Override
  public InputStream open(Digest digest) {
    return new ByteArrayInputStream(stored(digest));
  }

  private byte[] stored(Digest digest) {
    byte[] b = blobs.get(digest);
    if (b == null) {
      throw new NotFoundException("blob " + digest + " not found");
    }
    return b;
  }

  @Override
  public void delete(Digest digest) {
    blobs.remove(digest);
  }

  @Override
  public List<Digest> list() {
    return new ArrayList<>(blobs.keySet());
  }
}
