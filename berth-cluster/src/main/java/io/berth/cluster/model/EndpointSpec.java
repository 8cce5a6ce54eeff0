package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** How a service is reached: a virtual IP or DNS round robin ({@code vip}, {@code dnsrr}) and its published ports. */
public record EndpointSpec(@JsonProperty("Mode") String mode, @JsonProperty("Ports") List<PortConfig> ports) {
  public static final EndpointSpec NONE = new EndpointSpec(null, null);

  public EndpointSpec {
    mode = mode == null ? "vip" : mode;
    if (!mode.equals("vip") && !mode.equals("dnsrr")) {
      throw new io.berth.errdefs.InvalidArgumentException("invalid endpoint mode '" + mode + "': expected vip or dnsrr");
    }
    ports = ports == null ? List.of() : List.copyOf(ports);
  }
}
