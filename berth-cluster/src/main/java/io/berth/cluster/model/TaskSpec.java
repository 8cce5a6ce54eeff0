package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The template every task of a service is made from (Docker's TaskTemplate); an attachment
 * task's spec carries a {@link NetworkAttachmentSpec} and its network instead of a container.
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record TaskSpec(
    @JsonProperty("ContainerSpec") ContainerSpec containerSpec,
    @JsonProperty("Resources") ResourceRequirements resources,
    @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
    @JsonProperty("Placement") Placement placement,
    @JsonProperty("Networks") List<NetworkAttachmentConfig> networks,
    @JsonProperty("ForceUpdate") long forceUpdate,
    @JsonProperty("NetworkAttachmentSpec") NetworkAttachmentSpec networkAttachmentSpec) {
  public TaskSpec {
    if (containerSpec == null && networkAttachmentSpec == null) {
      throw new io.berth.errdefs.InvalidArgumentException("TaskTemplate must have a ContainerSpec");
    }
    resources = resources == null ? ResourceRequirements.NONE : resources;
    restartPolicy = restartPolicy == null ? RestartPolicy.DEFAULT : restartPolicy;
    placement = placement == null ? Placement.NONE : placement;
    networks = networks == null ? List.of() : List.copyOf(networks);
  }

  /** A service's template (no attachment). */
  public TaskSpec(ContainerSpec containerSpec, ResourceRequirements resources, RestartPolicy restartPolicy,
      Placement placement, List<NetworkAttachmentConfig> networks, long forceUpdate) {
    this(containerSpec, resources, restartPolicy, placement, networks, forceUpdate, null);
  }

  /** An attachment task's spec: {@code container} on the one network {@code network}. */
  public static TaskSpec attachment(String container, NetworkAttachmentConfig network) {
    return new TaskSpec(null, null, null, null, List.of(network), 0, new NetworkAttachmentSpec(container));
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
