package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A mount of a task's container (Docker's Mount: type bind, volume or tmpfs). */
public record Mount(
    @JsonProperty("Type") String type,
    @JsonProperty("Source") String source,
    @JsonProperty("Target") String target,
    @JsonProperty("ReadOnly") boolean readOnly) {
  public Mount {
    if (target == null || target.isEmpty()) {
      throw new io.berth.errdefs.InvalidArgumentException("a mount needs a Target");
    }
  }
}
