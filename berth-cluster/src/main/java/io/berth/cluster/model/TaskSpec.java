package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The template every task of a service is made from (Docker's TaskTemplate). */
public record TaskSpec(
    @JsonProperty("ContainerSpec") ContainerSpec containerSpec,
    @JsonProperty("Resources") ResourceRequirements resources,
    @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
    @JsonProperty("Placement") Placement placement,
    @JsonProperty("ForceUpdate") long forceUpdate) {
  public TaskSpec {
    if (containerSpec == null) {
      throw new io.berth.errdefs.InvalidArgumentException("TaskTemplate must have a ContainerSpec");
    }
    resources = resources == null ? ResourceRequirements.NONE : resources;
    restartPolicy = restartPolicy == null ? RestartPolicy.DEFAULT : restartPolicy;
    placement = placement == null ? Placement.NONE : placement;
  }

  public static TaskSpec of(ContainerSpec container) {
    return new TaskSpec(container, null, null, null, 0);
  }

  public TaskSpec withResources(ResourceRequirements value) {
    return new TaskSpec(containerSpec, value, restartPolicy, placement, forceUpdate);
  }

  public TaskSpec withPlacement(Placement value) {
    return new TaskSpec(containerSpec, resources, restartPolicy, value, forceUpdate);
  }
}
