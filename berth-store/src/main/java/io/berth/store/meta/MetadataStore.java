package io.berth.store.meta;

import java.util.List;
import java.util.Optional;

/**
 * Small records (container configs, tags, network endpoints) grouped in buckets. Every write is
 * atomic: a crash leaves either the old or the new record, never a torn one.
 */
public interface MetadataStore {
  void put(String bucket, String key, byte[] value);

  Optional<byte[]> get(String bucket, String key);

  /** Keys of a bucket, in no particular order; empty when the bucket does not exist. */
  List<String> keys(String bucket);

  /** Removes the record; no error when it did not exist. */
  void delete(String bucket, String key);
}
