package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.util.Map;

/** What the user asks of a service ({@code docker service create/update}). */
public record ServiceSpec(
    @JsonProperty("Name") String name,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("TaskTemplate") TaskSpec taskTemplate,
    @JsonProperty("Mode") ServiceMode mode,
    @JsonProperty("EndpointSpec") EndpointSpec endpointSpec,
    @JsonProperty("UpdateConfig") UpdateConfig updateConfig,
    @JsonProperty("RollbackConfig") UpdateConfig rollbackConfig) {
  /** A spec without update or rollback settings (swarmkit's defaults apply). */
  public ServiceSpec(String name, Map<String, String> labels, TaskSpec taskTemplate, ServiceMode mode,
      EndpointSpec endpointSpec) {
    this(name, labels, taskTemplate, mode, endpointSpec, null, null);
  }

  public ServiceSpec withTaskTemplate(TaskSpec value) {
    return new ServiceSpec(name, labels, value, mode, endpointSpec, updateConfig, rollbackConfig);
  }

  /** The update settings in force: the spec's, else swarmkit's defaults. */
  public UpdateConfig update() {
    return updateConfig == null ? UpdateConfig.DEFAULT : updateConfig;
  }

  /** The rollback settings in force: the spec's, else swarmkit's defaults. */
  public UpdateConfig rollback() {
    return rollbackConfig == null ? UpdateConfig.DEFAULT : rollbackConfig;
  }

  public ServiceSpec {
    if (name == null || name.isEmpty()) {
      throw new InvalidArgumentException("a service needs a Name");
    }
    if (taskTemplate == null) {
      throw new InvalidArgumentException("service " + name + " needs a TaskTemplate");
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    mode = mode == null ? ServiceMode.ofReplicated(1) : mode;
    endpointSpec = endpointSpec == null ? EndpointSpec.NONE : endpointSpec;
  }
}
