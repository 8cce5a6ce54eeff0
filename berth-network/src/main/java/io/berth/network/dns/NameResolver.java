package io.berth.network.dns;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;

/**
 * What the embedded DNS server asks the daemon: the names a container can see (containers,
 * aliases and service names on the networks it shares with them).
 */
public interface NameResolver {
  /**
   * IPv4 addresses of {@code name} (lower case, no trailing dot) as seen from {@code containerId};
   * empty when the name is none of ours (it is then forwarded upstream), an empty list when it
   * is ours but has no address.
   */
  Optional<List<Inet4Address>> lookup(String containerId, String name);

  /** The name of a container address for PTR queries; empty to forward upstream. */
  Optional<String> reverse(String containerId, Inet4Address address);

  /** False when the container has no way out (only internal networks): nothing is forwarded. */
  boolean mayForward(String containerId);
}
