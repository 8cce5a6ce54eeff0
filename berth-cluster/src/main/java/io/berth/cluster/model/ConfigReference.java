package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A config a service's tasks get (Docker's ContainerSpec.Configs entry): the config by id and
 * name, and the file it becomes. Docker's {@code Runtime} target (a Windows credential spec) is
 * refused by the spec reader, so it has no field here.
 */
public record ConfigReference(
    @JsonProperty("File") FileTarget file,
    @JsonProperty("ConfigID") String configId,
    @JsonProperty("ConfigName") String configName) {
  public ConfigReference {
    configId = configId == null ? "" : configId;
    configName = configName == null ? "" : configName;
  }
}
