package io.berth.daemon.network;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.berth.network.NetworkSpec;
import java.util.Map;

/**
 * A network as berthd keeps it: what {@code network create} asked for, resolved (subnet and
 * gateway always set). The kernel objects that carry it (bridge, nftables table) are its
 * driver's, named from this record ({@link io.berth.network.BridgeDriver}). The built-in
 * {@code bridge}, {@code host} and {@code none} networks are records too, never persisted.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NetworkRecord(
    String id,
    String name,
    String driver,
    String created,
    String subnet,
    String gateway,
    String ipRange,
    boolean internal,
    boolean attachable,
    Map<String, String> labels,
    Map<String, String> options) {

  public static final String BRIDGE = "bridge";
  public static final String HOST = "host";
  public static final String NONE = "none";

  /** User-defined: created by a user, has DNS, can be removed. */
  public boolean userDefined() {
    return !name.equals(BRIDGE) && !name.equals(HOST) && !name.equals(NONE);
  }

  /** Carried by a network driver, so containers get endpoints on it (not host, not none). */
  public boolean hasEndpoints() {
    return !driver.equals("host") && !driver.equals("null");
  }

  /** What the driver is asked to carry. */
  NetworkSpec spec() {
    return new NetworkSpec(id, name, subnet, gateway, ipRange, internal, options);
  }
}
