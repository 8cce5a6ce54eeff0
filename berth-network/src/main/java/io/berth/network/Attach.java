package io.berth.network;

/**
 * How a sandbox joins a network: {@code requestedIp} null for the next free address;
 * {@code ifName} the interface name inside the container (eth0, eth1...); {@code defaultRoute}
 * for the network the container reaches the outside through (its first one).
 */
public record Attach(String requestedIp, String ifName, boolean defaultRoute) {
  public static Attach primary(String requestedIp) {
    return new Attach(requestedIp, "eth0", true);
  }
}
