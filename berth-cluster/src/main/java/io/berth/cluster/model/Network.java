package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network of the cluster (Docker's swarm Network object). The user writes {@link #spec}; the
 * allocator, the one other writer, writes {@link #driverState} (the overlay's VXLAN id) and
 * {@link #ipamOptions} (the subnet and gateway it took). Both are null until allocated.
 */
public record Network(
    @JsonProperty("ID") String id,
    @JsonProperty("Version") Version version,
    @JsonProperty("CreatedAt") @WireTime Instant createdAt,
    @JsonProperty("UpdatedAt") @WireTime Instant updatedAt,
    @JsonProperty("Spec") NetworkSpec spec,
    @JsonProperty("DriverState") Driver driverState,
    @JsonProperty("IPAMOptions") IpamOptions ipamOptions) {
  /** The overlay driver's option carrying a network's VXLAN id (VNI), as Docker shows it. */
  public static final String VXLANID_LIST = "com.docker.network.driver.overlay.vxlanid_list";

  public Network {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a network needs an ID");
    }
    if (spec == null) {
      throw new InvalidArgumentException("network " + id + " needs a Spec");
    }
    version = version == null ? Version.ZERO : version;
  }

  /** True once the allocator gave the network its subnet and VNI. */
  public boolean allocated() {
    return driverState != null && ipamOptions != null && !ipamOptions.configs().isEmpty();
  }

  /** The allocator's write: the VNI and the address block taken. */
  public Network withAllocation(int vni, IpamConfig block, Instant at) {
    Map<String, String> options = new LinkedHashMap<>(spec.driverConfiguration().options());
    options.put(VXLANID_LIST, Integer.toString(vni));
    return new Network(id, version, createdAt, at, spec, new Driver(NetworkSpec.OVERLAY, options),
        new IpamOptions(spec.ipamOptions().driver(), List.of(block)));
  }

  /** The VNI the allocator gave, or 0 before. */
  public int vni() {
    if (driverState == null) {
      return 0;
    }
    String v = driverState.options().getOrDefault(VXLANID_LIST, "");
    return v.isEmpty() ? 0 : Integer.parseInt(v.split(",")[0]);
  }

  /** The allocated block (subnet, range, gateway); only when {@link #allocated}. */
  public IpamConfig block() {
    return ipamOptions.configs().getFirst();
  }
}
