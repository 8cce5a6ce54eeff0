package io.berth.network;

import java.util.List;
import java.util.Map;

/**
 * A kind of network, chosen by the network's {@code Driver} field: {@code bridge} (one Linux
 * bridge per network on this host, {@link BridgeDriver}); the cluster's {@code overlay} (a VXLAN
 * segment across hosts) is meant to be a second implementation. {@code host} and {@code null}
 * are no drivers: their containers have no endpoint.
 *
 * <p>A driver owns everything of its networks below the daemon's records: kernel objects,
 * address allocations, endpoints and published ports, and the state file they are rebuilt from.
 */
public interface NetworkDriver {

  /** The {@code Driver} value this driver carries, e.g. {@code bridge}. */
  String name();

  /**
   * Makes a new network's kernel state (bridge, rules...). On failure nothing is left behind.
   * Options the driver does not know are refused by name.
   */
  Network create(NetworkSpec spec);

  /**
   * Daemon start (live restore): adopts the kernel state of every network in {@code known},
   * with the endpoints and published ports the driver saved for it (those whose sandbox is gone
   * are dropped), and removes what the driver finds of networks it no longer knows. A network
   * that cannot be set up is logged and still answered (so it can be removed), and one broken
   * network does not keep the daemon from starting; the map is by spec id.
   */
  Map<String, Network> restore(List<NetworkSpec> known);
}
