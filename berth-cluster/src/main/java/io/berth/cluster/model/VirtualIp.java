package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A service's virtual IP on one network ({@code 10.0.1.2/24}), Docker's EndpointVirtualIP; the allocator's write. */
public record VirtualIp(@JsonProperty("NetworkID") String networkId, @JsonProperty("Addr") String addr) {}
