package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A driver and its options, Docker's {@code Driver}: a network's driver configuration and state, an IPAM driver. */
public record Driver(@JsonProperty("Name") String name, @JsonProperty("Options") Map<String, String> options) {
  public Driver {
    name = name == null ? "" : name;
    options = options == null ? Map.of() : Map.copyOf(options);
  }
}
