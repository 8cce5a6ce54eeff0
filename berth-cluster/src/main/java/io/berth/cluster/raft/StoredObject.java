package io.berth.cluster.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One value in the cluster store with the version it was last written at. The version is the
 * index of the write that produced it (the Raft log index in the replicated store), so it only
 * grows and an update names the version it was made from (optimistic concurrency, as swarmkit's
 * object {@code Version.Index}).
 */
public record StoredObject(String kind, String key, long version, byte[] value) {
  public StoredObject {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    value = value.clone();
  }

  /** A copy: stored objects are shared between readers and must not change under them. */
  @Override
  public byte[] value() {
    return value.clone();
  }

  /** {@code kind/key}, the way errors name an object. */
  public String name() {
    return kind + "/" + key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredObject s
        && kind.equals(s.kind)
        && key.equals(s.key)
        && version == s.version
        && Arrays.equals(value, s.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, key, version, Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return name() + "@" + version + " (" + value.length + " bytes)";
  }
}
