package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The template every task of a service is made from (Docker's TaskTemplate). */
public record TaskSpec(
    @JsonProperty("ContainerSpec") ContainerSpec containerSpec,
    @JsonProperty("Resources") ResourceRequirements resources,
    @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
    @JsonProperty("Placement") Placement placement,
    @JsonProperty("Networks") List<NetworkAttachmentConfig> networks,
    @JsonProperty("ForceUpdate") long forceUpdate) {
  public TaskSpec {
    if (containerSpec == null) {
      throw new io.berth.errdefs.InvalidArgumentException("TaskTemplate must have a ContainerSpec");
    }
    resources = resources == null ? ResourceRequirements.NONE : resources;
    restartPolicy = restartPolicy == null ? RestartPolicy.DEFAULT : restartPolicy;
    placement = placement == null ? Placement.NONE : placement;
    networks = networks == null ? List.of() : List.copyOf(networks);
  }

  /** A template on no cluster network. */
  public TaskSpec(ContainerSpec containerSpec, ResourceRequirements resources, RestartPolicy restartPolicy,
      Placement placement, long forceUpdate) {
    this(containerSpec, resources, restartPolicy, placement, null, forceUpdate);
  }

  public static TaskSpec of(ContainerSpec container) {
    return new TaskSpec(container, null, null, null, 0);
  }

  public TaskSpec withResources(ResourceRequirements value) {
    return new TaskSpec(containerSpec, value, restartPolicy, placement, networks, forceUpdate);
  }

  public TaskSpec withPlacement(Placement value) {
    return new TaskSpec(containerSpec, resources, restartPolicy, value, networks, forceUpdate);
  }

  public TaskSpec withContainerSpec(ContainerSpec value) {
    return new TaskSpec(value, resources, restartPolicy, placement, networks, forceUpdate);
  }

  public TaskSpec withNetworks(List<NetworkAttachmentConfig> value) {
    return new TaskSpec(containerSpec, resources, restartPolicy, placement, value, forceUpdate);
  }
}
