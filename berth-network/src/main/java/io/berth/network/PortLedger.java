package io.berth.network;

import io.berth.network.BridgeNetwork.PortBinding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The host ports every container of one daemon publishes, whatever network it publishes
 * through. Published ports are DNAT rules, not sockets, so the kernel cannot tell us that
 * another network's container already took a port: the networks of a daemon share this ledger
 * to refuse the second claim.
 */
public final class PortLedger {
  private final Map<String, List<PortBinding>> byOwner = new HashMap<>();

  synchronized void put(String owner, List<PortBinding> ports) {
    if (ports.isEmpty()) {
      byOwner.remove(owner);
    } else {
      byOwner.put(owner, List.copyOf(ports));
    }
  }

  synchronized void remove(String owner) {
    byOwner.remove(owner);
  }

  /** Ports held by everyone but {@code owner}. */
  synchronized List<PortBinding> others(String owner) {
    List<PortBinding> out = new ArrayList<>();
    byOwner.forEach((id, ports) -> {
      if (!id.equals(owner)) {
        out.addAll(ports);
      }
    });
    return out;
  }
}
