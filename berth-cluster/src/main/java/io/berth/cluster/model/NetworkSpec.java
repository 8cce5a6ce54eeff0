package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.util.Map;

/**
 * What the user asks of a cluster network ({@code docker network create -d overlay}), Docker's
 * swarm NetworkSpec. Scope is always {@code swarm}; the driver is {@code overlay}.
 */
public record NetworkSpec(
    @JsonProperty("Name") String name,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("DriverConfiguration") Driver driverConfiguration,
    @JsonProperty("Internal") boolean internal,
    @JsonProperty("Attachable") boolean attachable,
    @JsonProperty("Ingress") boolean ingress,
    @JsonProperty("IPAMOptions") IpamOptions ipamOptions,
    @JsonProperty("Scope") String scope) {
  public static final String OVERLAY = "overlay";
  public static final String SWARM_SCOPE = "swarm";

  public NetworkSpec {
    if (name == null || name.isEmpty()) {
      throw new InvalidArgumentException("a network needs a Name");
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    driverConfiguration = driverConfiguration == null ? new Driver(OVERLAY, null) : driverConfiguration;
    ipamOptions = ipamOptions == null ? new IpamOptions(null, null) : ipamOptions;
    scope = SWARM_SCOPE;
  }

  /** {@code --opt encrypted}: the data path encrypts this network's traffic between nodes. */
  public boolean encrypted() {
    return driverConfiguration.options().containsKey("encrypted");
  }
}
