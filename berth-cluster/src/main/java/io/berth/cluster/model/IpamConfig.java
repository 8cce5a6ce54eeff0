package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One address block of a network (Docker's IPAMConfig): the subnet, the part handed to tasks, the gateway. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record IpamConfig(
    @JsonProperty("Subnet") String subnet,
    @JsonProperty("Range") String range,
    @JsonProperty("Gateway") String gateway) {
  public IpamConfig {
    subnet = subnet == null ? "" : subnet;
    range = range == null ? "" : range;
    gateway = gateway == null ? "" : gateway;
  }
}
