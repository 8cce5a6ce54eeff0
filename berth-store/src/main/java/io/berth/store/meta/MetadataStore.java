package io.berth.store.meta;

import java.util.List;
import java.util.Optional;

/**
 * Small records (container configs, tags, network endpoints) grouped in buckets. Every write is
 * atomic: a reader, and a crash, sees either the old or the new record, never a torn one; calls
 * may come from many threads at once. Bucket and key names are checked the same way by every
 * implementation ({@link MetadataNames}); {@code MetadataStoreConformance} pins the behaviour.
 */
public interface MetadataStore {
  /** Stores a copy of {@code value} under the key, replacing what was there. */
  void put(String bucket, String key, byte[] value);

  /** A copy of the record, or empty when there is none. */
  Optional<byte[]> get(String bucket, String key);

  /** Keys of a bucket, in no particular order; empty when the bucket does not exist. */
  List<String> keys(String bucket);

  /** Removes the record; no error when it did not exist. */
  void delete(String bucket, String key);
}
