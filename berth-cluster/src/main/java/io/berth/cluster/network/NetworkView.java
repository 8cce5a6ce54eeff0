package io.berth.cluster.network;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What one node is told of the cluster's networks with its assignments: the overlays its tasks
 * are on, with every remote endpoint (to program forwarding, as swarmkit's network database
 * gossips it) and the services reachable on each (for names and virtual IPs), and the routing
 * mesh's published ports. Workers learn no more than this of the cluster. Level-triggered: each
 * view is the whole truth for the node, and the node makes its kernel state match it.
 *
 * @param underlay this node's data-path address as the managers know it (its VXLAN source)
 * @param ingressAddress this node's own address on the ingress network (CIDR), "" when none
 * @param sealing what the node's sealed underlay needs (encrypted overlays), null when the node
 *     is on no encrypted overlay: keys go only to nodes that carry one
 */
public record NetworkView(
    @JsonProperty("Underlay") String underlay,
    @JsonProperty("IngressAddress") String ingressAddress,
    @JsonProperty("Networks") List<AttachedNetwork> networks,
    @JsonProperty("Mesh") List<MeshEntry> mesh,
    @JsonProperty("Sealing") Sealing sealing) {
  public static final NetworkView EMPTY = new NetworkView("", "", List.of(), List.of());

  public NetworkView {
    underlay = underlay == null ? "" : underlay;
    ingressAddress = ingressAddress == null ? "" : ingressAddress;
    networks = networks == null ? List.of() : List.copyOf(networks);
    mesh = mesh == null ? List.of() : List.copyOf(mesh);
  }

  /** A view without encrypted overlays. */
  public NetworkView(String underlay, String ingressAddress, List<AttachedNetwork> networks, List<MeshEntry> mesh) {
    this(underlay, ingressAddress, networks, mesh, null);
  }

  /**
   * The node's sealed underlay (decision 0039): its own tunnel address, the other nodes it shares
   * an encrypted overlay with, and the managers' keys with the one that seals now.
   *
   * @param tunnelAddress this node's tunnel address with the pool's prefix ({@code 100.64.0.2/16})
   */
  public record Sealing(
      @JsonProperty("TunnelAddress") String tunnelAddress,
      @JsonProperty("Peers") List<SealedPeer> peers,
      @JsonProperty("Keys") List<SealingKey> keys,
      @JsonProperty("PrimaryKey") int primaryKey) {
    public Sealing {
      peers = peers == null ? List.of() : List.copyOf(peers);
      keys = keys == null ? List.of() : List.copyOf(keys);
    }
  }

  /** Another node's tunnel address (bare) and its data-path address, where its seal listens. */
  public record SealedPeer(
      @JsonProperty("TunnelAddress") String tunnelAddress,
      @JsonProperty("Underlay") String underlay) {}

  /** One of the managers' keys as a node gets it; compared by value, never printed. */
  public record SealingKey(@JsonProperty("ID") int id, @JsonProperty("Secret") byte[] secret) {
    @Override
    public boolean equals(Object o) {
      return o instanceof SealingKey k && k.id == id && java.util.Arrays.equals(k.secret, secret);
    }

    @Override
    public int hashCode() {
      return 31 * id + java.util.Arrays.hashCode(secret);
    }

    @Override
    public String toString() {
      return "SealingKey[id=" + id + "]";
    }
  }

  /**
   * An overlay as this node needs it.
   *
   * @param subnet CIDR
   * @param gateway address without prefix
   * @param peers the endpoints of this network on other nodes
   * @param services the services with tasks or a VIP on this network
   */
  public record AttachedNetwork(
      @JsonProperty("ID") String id,
      @JsonProperty("Name") String name,
      @JsonProperty("Subnet") String subnet,
      @JsonProperty("Gateway") String gateway,
      @JsonProperty("VNI") int vni,
      @JsonProperty("Internal") boolean internal,
      @JsonProperty("Encrypted") boolean encrypted,
      @JsonProperty("Ingress") boolean ingress,
      @JsonProperty("Peers") List<NetworkPeer> peers,
      @JsonProperty("Services") List<ServiceRecord> services) {
    public AttachedNetwork {
      peers = peers == null ? List.of() : List.copyOf(peers);
      services = services == null ? List.of() : List.copyOf(services);
    }
  }

  /**
   * An endpoint on another node: a task's address, or ({@code node}) that node's own ingress
   * address, which the routing mesh sends from.
   *
   * @param ip address without prefix
   * @param underlay the other node's data-path address
   */
  public record NetworkPeer(
      @JsonProperty("IP") String ip,
      @JsonProperty("Underlay") String underlay,
      @JsonProperty("Node") boolean node) {}

  /**
   * A service as a container on the network resolves it.
   *
   * @param vip its virtual IP on this network (no prefix), "" in dnsrr mode
   * @param tasks the addresses of its running tasks on this network
   * @param aliases the other names the tasks answer to on this network
   * @param balancing how the VIP picks a task ({@code roundrobin}, {@code leastconn}; "" read as
   *     roundrobin)
   */
  public record ServiceRecord(
      @JsonProperty("Name") String name,
      @JsonProperty("VIP") String vip,
      @JsonProperty("Tasks") List<String> tasks,
      @JsonProperty("Aliases") List<String> aliases,
      @JsonProperty("Balancing") String balancing) {
    public ServiceRecord {
      vip = vip == null ? "" : vip;
      tasks = tasks == null ? List.of() : List.copyOf(tasks);
      aliases = aliases == null ? List.of() : List.copyOf(aliases);
      balancing = balancing == null ? "" : balancing;
    }

    /** A round-robin service. */
    public ServiceRecord(String name, String vip, List<String> tasks, List<String> aliases) {
      this(name, vip, tasks, aliases, "");
    }
  }

  /** A service's ingress-mode published ports, where the mesh sends them and how it picks ({@code balancing}, as a VIP's). */
  public record MeshEntry(
      @JsonProperty("ServiceID") String serviceId,
      @JsonProperty("Ports") List<MeshPort> ports,
      @JsonProperty("Backends") List<MeshTarget> backends,
      @JsonProperty("Balancing") String balancing) {
    public MeshEntry {
      ports = ports == null ? List.of() : List.copyOf(ports);
      backends = backends == null ? List.of() : List.copyOf(backends);
      balancing = balancing == null ? "" : balancing;
    }

    /** A round-robin mesh entry. */
    public MeshEntry(String serviceId, List<MeshPort> ports, List<MeshTarget> backends) {
      this(serviceId, ports, backends, "");
    }
  }

  public record MeshPort(
      @JsonProperty("Protocol") String protocol,
      @JsonProperty("PublishedPort") int publishedPort,
      @JsonProperty("TargetPort") int targetPort) {}

  /** A running task's address on the ingress network; {@code local} when it runs on this node. */
  public record MeshTarget(@JsonProperty("IP") String ip, @JsonProperty("Local") boolean local) {}
}
