package io.berth.network.overlay;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.Ipv4;
import java.util.List;

/**
 * The nftables text both balancers share. There is no IPVS on the kernels Berth targets, so a
 * connection's backend is picked by its first packet's DNAT: {@code numgen inc mod N} counts
 * new connections and a map turns the count into backend address and port, all in one
 * expression, so a replaced rule set changes the choice atomically. Conntrack keeps an existing
 * connection on its backend whatever the rules become. Least connections is the same rule over
 * fewer backends ({@link LeastConnections} narrows the list), since nftables cannot pick the
 * smallest of a count itself.
 */
final class RoundRobin {
  private RoundRobin() {}

  /** {@code dnat ip to numgen inc mod N map { 0 : a . port, 1 : b . port }}. */
  static String dnat(List<String> backends, int targetPort) {
    StringBuilder sb = new StringBuilder("dnat ip to numgen inc mod ").append(backends.size()).append(" map { ");
    for (int i = 0; i < backends.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(i).append(" : ").append(backends.get(i)).append(" . ").append(targetPort);
    }
    return sb.append(" }").toString();
  }

  /** {@code dnat ip to numgen inc mod N map { 0 : a, 1 : b }}: the backend's address, the port kept. */
  static String dnatAnyPort(List<String> backends) {
    StringBuilder sb = new StringBuilder("dnat ip to numgen inc mod ").append(backends.size()).append(" map { ");
    for (int i = 0; i < backends.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(i).append(" : ").append(backends.get(i));
    }
    return sb.append(" }").toString();
  }

  static void checkProtocol(String protocol, String where) {
    if (!"tcp".equals(protocol) && !"udp".equals(protocol)) {
      throw new InvalidArgumentException("invalid protocol " + protocol + " for " + where + " (tcp or udp)");
    }
  }

  static void checkPort(int port, String where) {
    if (port < 1 || port > 65535) {
      throw new InvalidArgumentException("invalid port " + port + " for " + where + " (1-65535)");
    }
  }

  /** The address itself, after checking it is dotted-quad IPv4. */
  static String address(String ip, String what) {
    try {
      Ipv4.parse(ip);
      return ip;
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("invalid " + what + " address " + ip, e);
    }
  }

  /** {@code { a, b }} or the single address, as nft wants a set literal. */
  static String set(List<String> items) {
    return items.size() == 1 ? items.getFirst() : "{ " + String.join(", ", items) + " }";
  }
}
