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
    @JsonProperty("EndpointSpec") EndpointSpec endpointSpec) {
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
