package io.berth.cluster.allocator;

import io.berth.cluster.model.PortProtocol;
import io.berth.cluster.model.PortRange;
import io.berth.errdefs.UnavailableException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The swarm's ingress published ports: each (protocol, port) belongs to one service, swarm-wide,
 * because the routing mesh listens on it on every node. A port a service asks for is reserved as
 * asked; one it leaves to the swarm is the lowest free of the published port range (Docker's
 * 30000-32767). Host-mode ports are not here: they are per node, the scheduler's affair.
 */
public final class PortAllocator {
  private record Key(PortProtocol protocol, int port) {}

  private final PortRange range;
  private final Map<Key, String> owners = new HashMap<>();

  public PortAllocator(PortRange range) {
    this.range = range;
  }

  /** The service holding {@code port}, if any. */
  public Optional<String> owner(PortProtocol protocol, int port) {
    return Optional.ofNullable(owners.get(new Key(protocol, port)));
  }

  /** Reserves {@code port} for {@code service}; false when another service holds it. */
  public boolean reserve(String service, PortProtocol protocol, int port) {
    String had = owners.putIfAbsent(new Key(protocol, port), service);
    return had == null || had.equals(service);
  }

  /** The lowest free port of the range, reserved for {@code service}. */
  public int take(String service, PortProtocol protocol) {
    for (int p = range.start(); p <= range.end(); p++) {
      if (owners.putIfAbsent(new Key(protocol, p), service) == null) {
        return p;
      }
    }
    throw new UnavailableException("no published port left in the range " + range + " for " + protocol.wire());
  }

  /** Frees every port of {@code service} (before its endpoint is allocated again). */
  public void releaseAll(String service) {
    owners.values().removeIf(service::equals);
  }

  public boolean inRange(int port) {
    return range.contains(port);
  }
}
