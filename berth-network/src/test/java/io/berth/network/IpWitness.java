package io.berth.network;

import java.util.List;

/**
 * What {@code ip} itself sees, for tests: the code under test talks netlink, so an independent
 * tool checks its work.
 */
final class IpWitness {
  private IpWitness() {}

  static boolean linkExists(String name) {
    return HostCommand.run(List.of("ip", "link", "show", "dev", name), null).exit() == 0;
  }
}
