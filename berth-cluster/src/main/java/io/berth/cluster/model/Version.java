package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An object's version in the replicated store: the store's index at its last write. An update
 * names the version it read; a stale one is refused, so two writers cannot lose each other's
 * changes (Docker's {@code ?version=} on every update endpoint).
 */
public record Version(@JsonProperty("Index") long index) {
  public static final Version ZERO = new Version(0);
}
