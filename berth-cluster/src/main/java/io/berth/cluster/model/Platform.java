package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An OS and CPU architecture, as a node reports it or a service's image supports it. */
public record Platform(@JsonProperty("Architecture") String architecture, @JsonProperty("OS") String os) {
  /** Docker's spellings that mean the same architecture: x86_64 is amd64, aarch64 is arm64. */
  public String normalizedArchitecture() {
    if (architecture == null) {
      return "";
    }
    return switch (architecture) {
      case "x86_64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> architecture;
    };
  }
}
