package io.berth.network;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The host ports every sandbox of one daemon publishes, whatever network or driver it publishes
 * through. Published ports are DNAT rules, not sockets, so the kernel cannot tell one network
 * that another's container already took a port. The ledger keeps no ports of its own: it reads
 * them from the networks, which own them, and a network checks and records a claim while
 * holding {@link #claims()}, so two networks cannot hand out the same port at once.
 */
public final class PortLedger {
  private final CopyOnWriteArrayList<Network> networks = new CopyOnWriteArrayList<>();
  private final Object claims = new Object();

  void register(Network n) {
    networks.addIfAbsent(n);
  }

  void unregister(Network n) {
    networks.remove(n);
  }

  /** Held while a claim is checked and recorded; taken after a network's own lock, never before. */
  Object claims() {
    return claims;
  }

  /** Ports held by every sandbox but {@code owner}, on every network. */
  List<PortBinding> others(String owner) {
    List<PortBinding> out = new ArrayList<>();
    for (Network n : networks) {
      n.published().forEach((id, ports) -> {
        if (!id.equals(owner)) {
          out.addAll(ports);
        }
      });
    }
    return out;
  }
}
