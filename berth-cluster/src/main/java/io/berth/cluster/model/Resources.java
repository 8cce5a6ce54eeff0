package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An amount of CPU (in billionths of a CPU, Docker's NanoCPUs) and memory: what a node offers or
 * what a task reserves or is limited to. Zero means none asked.
 */
public record Resources(@JsonProperty("NanoCPUs") long nanoCpus, @JsonProperty("MemoryBytes") long memoryBytes) {
  public static final Resources NONE = new Resources(0, 0);

  public Resources {
    if (nanoCpus < 0 || memoryBytes < 0) {
      throw new io.berth.errdefs.InvalidArgumentException(
          "resources must not be negative (NanoCPUs " + nanoCpus + ", MemoryBytes " + memoryBytes + ")");
    }
  }

  /** Not a field: Jackson would otherwise write it as {@code "zero"} into the store and the Engine API. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isZero() {
    return nanoCpus == 0 && memoryBytes == 0;
  }
}
