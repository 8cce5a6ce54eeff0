package io.berth.network;

import java.util.Map;

/**
 * What a driver is asked to carry, as the daemon's network record resolves it: the address
 * plan (network-scoped IPAM: subnet, gateway, the range automatic addresses come from) and the
 * driver's own options ({@code com.docker.network.bridge.name} for the bridge; a VNI for an
 * overlay). The id names the network's kernel objects, so the same spec always finds them again.
 *
 * @param subnet CIDR, e.g. 172.18.0.0/16
 * @param gateway address without prefix
 * @param ipRange CIDR inside the subnet, or null for the whole subnet
 * @param internal no traffic off the network, no default route
 */
public record NetworkSpec(String id, String name, String subnet, String gateway, String ipRange, boolean internal,
    Map<String, String> options) {
  /** The option that makes a bridge spec the daemon's default bridge ({@code docker0}'s role). */
  public static final String DEFAULT_BRIDGE = "com.docker.network.bridge.default_bridge";
  public static final String BRIDGE_NAME = "com.docker.network.bridge.name";

  public NetworkSpec {
    options = options == null ? Map.of() : Map.copyOf(options);
  }

  public int prefix() {
    return Integer.parseInt(subnet.substring(subnet.indexOf('/') + 1));
  }

  public String option(String key) {
    String v = options.get(key);
    return v == null || v.isEmpty() ? null : v;
  }
}
