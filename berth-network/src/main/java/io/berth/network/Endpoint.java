package io.berth.network;

/**
 * A sandbox's (container's) membership in one network, as its driver made it. The driver owns
 * this record: it saves it in its own state, rebuilds its kernel rules from it after a daemon
 * restart, and is the one place anyone else reads it from.
 *
 * @param containerId the sandbox that joined
 * @param netnsPath bind-mounted namespace file to give runc, e.g. /run/netns/berth-abc
 * @param ip address without prefix; {@code prefixLength} e.g. 16
 * @param gateway the default route's gateway, empty when this endpoint carries no default route
 * @param hostVeth the host side of the link, for drivers that have one
 * @param ifName the interface inside the sandbox (eth0, eth1...)
 */
public record Endpoint(
    String containerId,
    String netnsPath,
    String ip,
    int prefixLength,
    String gateway,
    String mac,
    String hostVeth,
    String ifName) {

  /** True when the sandbox reaches the outside through this endpoint. */
  public boolean defaultRoute() {
    return gateway != null && !gateway.isEmpty();
  }
}
