package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How a service is reached as allocated (Docker's Endpoint): the spec it was allocated from, the
 * ports with their published numbers filled in, and a virtual IP per network. The allocator writes
 * it on the service and copies it into each task it hands to the scheduler; the orchestrator
 * makes a task with only the spec and its ports.
 */
public record Endpoint(
    @JsonProperty("Spec") EndpointSpec spec,
    @JsonProperty("Ports") List<PortConfig> ports,
    @JsonProperty("VirtualIPs") List<VirtualIp> virtualIps) {
  public static final Endpoint NONE = new Endpoint(null, null, null);

  public Endpoint {
    spec = spec == null ? EndpointSpec.NONE : spec;
    ports = ports == null ? List.of() : List.copyOf(ports);
    virtualIps = virtualIps == null ? List.of() : List.copyOf(virtualIps);
  }

  /** An endpoint not allocated yet: the spec and its ports as asked. */
  public static Endpoint of(EndpointSpec spec) {
    return new Endpoint(spec, spec.ports(), null);
  }

  /** Ports alone (a task made by hand, in tests and benchmarks). */
  public static Endpoint ofPorts(List<PortConfig> ports) {
    return new Endpoint(new EndpointSpec(null, ports), ports, null);
  }
}
