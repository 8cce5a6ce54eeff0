package io.berth.store.meta;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link MetadataStore} in memory, for unit tests of the services that keep records: a concurrent
 * map of buckets, each record a copy (so a caller changing its array changes nothing stored), with
 * the same name rule ({@link MetadataNames}) as {@link FileMetadataStore}. A put replaces the
 * whole array in one step, which is the atomicity the interface promises. Passes
 * {@link MetadataStoreConformance}.
 */
public final class MemoryMetadataStore implements MetadataStore {
  private final Map<String, Map<String, byte[]>> buckets = new ConcurrentHashMap<>();

  @Override
  public void put(String bucket, String key, byte[] value) {
    MetadataNames.checked(key);
    buckets.computeIfAbsent(MetadataNames.checked(bucket), b -> new ConcurrentHashMap<>()).put(key, value.clone());
  }

  @Override
  public Optional<byte[]> get(String bucket, String key) {
    MetadataNames.checked(key);
    Map<String, byte[]> b = buckets.get(MetadataNames.checked(bucket));
    byte[] v = b == null ? null : b.get(key);
    return v == null ? Optional.empty() : Optional.of(v.clone());
  }

  @Override
  public List<String> keys(String bucket) {
    Map<String, byte[]> b = buckets.get(MetadataNames.checked(bucket));
    return b == null ? List.of() : new ArrayList<>(b.keySet());
  }

  @Override
  public void delete(String bucket, String key) {
    MetadataNames.checked(key);
    Map<String, byte[]> b = buckets.get(MetadataNames.checked(bucket));
    if (b != null) {
      b.remove(key);
    }
  }
}
