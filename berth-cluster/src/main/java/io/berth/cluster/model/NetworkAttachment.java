package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A task's (or a node's) place on a network, written by the allocator: the network as it was
 * allocated and the addresses taken on it ({@code 10.0.1.3/24}), Docker's NetworkAttachment.
 */
public record NetworkAttachment(
    @JsonProperty("Network") Network network,
    @JsonProperty("Addresses") List<String> addresses) {
  public NetworkAttachment {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }
}
