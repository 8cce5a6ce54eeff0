package io.berth.network;

import java.util.List;

/**
 * The default bridge network of one daemon: a Linux bridge, an IPAM pool, outbound NAT and
 * published ports, all as nftables rules in a table this daemon owns. Several daemons can share
 * a host as long as each has its own bridge name, subnet and table name.
 *
 * <p>Every operation is idempotent so the daemon can rebuild its state on start (live restore)
 * by calling {@link #init} and then {@link #restore} for each container still running.
 */
public interface BridgeNetwork {

  /** Creates (or adopts) the bridge, IP forwarding, NAT and the nftables table. */
  void init();

  /** Removes the table and the bridge (used by tests and on uninstall, not on daemon stop). */
  void destroy();

  /**
   * Creates a network namespace for {@code containerId} with loopback up and a veth pair into
   * the bridge, and gives it an address from the pool (or {@code requestedIp} if not null).
   * On any failure nothing is left behind.
   */
  default Endpoint connect(String containerId, String requestedIp) {
    return connect(containerId, Attach.primary(requestedIp));
  }

  /**
   * Connects the container's namespace (created by {@link #createNamespace} on any network of
   * this daemon, or here when missing) to this bridge with interface {@code attach.ifName()}.
   * On failure nothing of this attachment is left behind; the namespace stays if it existed.
   */
  Endpoint connect(String containerId, Attach attach);

  /**
   * Removes the container's veth on this bridge, its published ports and its address; its
   * namespace (shared with its other networks) stays. Idempotent.
   */
  void detach(String containerId);

  /**
   * As {@link #detach}, for a container whose namespace is deleted next (its run is over): the
   * host side of its veth may go a moment later, off the caller's path. Idempotent.
   */
  default void release(String containerId) {
    detach(containerId);
  }

  /** Deletes the container's namespace (every interface in it goes with it). Idempotent. */
  void deleteNamespace(String containerId);

  /** True for {@code --internal} networks: no outbound traffic, no default route. */
  boolean internal();

  /**
   * Creates the container's network namespace (with nothing but loopback) ahead of
   * {@link #connect}, and returns its path: the runtime can then create the container in it
   * while {@code connect} sets up the veth, which must only be done before the process starts.
   * {@code connect} adopts a namespace made this way; {@link #disconnect} removes it.
   */
  String createNamespace(String containerId);

  /** Re-registers an endpoint that survived a daemon restart (its address stays taken). */
  void restore(Endpoint endpoint, List<PortBinding> ports);

  /** {@link #detach} and {@link #deleteNamespace}: the container is gone from every network. */
  default void disconnect(String containerId) {
    detach(containerId);
    deleteNamespace(containerId);
  }

  /**
   * Publishes ports for an endpoint: resolves host port 0 to a free ephemeral port, refuses
   * ports already bound by another container or by a host process (ConflictException naming
   * the port), and installs DNAT rules so the port answers on every host address, 127.0.0.1
   * included, and from other containers (hairpin).
   */
  List<PortBinding> publish(Endpoint endpoint, List<PortBinding> requested);

  /** Subnet in CIDR notation and gateway address, for inspect and info. */
  String subnet();

  String gateway();

  String bridgeName();

  /**
   * A container's attachment.
   *
   * @param netnsPath bind-mounted namespace file to give runc, e.g. /run/netns/berth-abc
   * @param ip address without prefix; {@code prefixLength} e.g. 16
   */
  record Endpoint(
      String containerId,
      String netnsPath,
      String ip,
      int prefixLength,
      String gateway,
      String mac,
      String hostVeth,
      String ifName) {}

  /**
   * How to attach: {@code requestedIp} null for the next free address; {@code ifName} the
   * interface name inside the container (eth0, eth1...); {@code defaultRoute} for the network
   * the container reaches the outside through (its first one).
   */
  record Attach(String requestedIp, String ifName, boolean defaultRoute) {
    public static Attach primary(String requestedIp) {
      return new Attach(requestedIp, "eth0", true);
    }
  }

  /**
   * One published port: {@code hostIp} empty for all addresses, {@code hostPort} 0 to pick one;
   * {@code protocol} tcp, udp or sctp.
   */
  record PortBinding(String hostIp, int hostPort, int containerPort, String protocol) {}
}
