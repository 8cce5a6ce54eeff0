package io.berth.cluster.allocator;

import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.Endpoint;
import io.berth.cluster.model.IpamConfig;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkAttachment;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.PortRange;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.VirtualIp;
import io.berth.cluster.state.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What is taken, rebuilt from one snapshot at the start of every pass: the subnets and VNIs of
 * allocated networks, each network's addresses held by virtual IPs, tasks (until deleted from the
 * store) and nodes, and the ingress ports held by services. Nothing survives a pass, so a new
 * leader, or a leader whose write lost a race, allocates from exactly what is stored. The pass's
 * own allocations are added as it goes, so one pass never hands out a thing twice.
 */
final class Allocations {
  final SubnetPool subnets;
  final PortAllocator ports;
  /** Every network by id, as this pass will leave it (allocated ones replaced as they are). */
  final Map<String, Network> networks = new LinkedHashMap<>();
  final Map<String, AddressSpace> spaces = new HashMap<>();
  final Map<String, Cidr> allocatedSubnets = new HashMap<>();
  final Set<Integer> vnis = new HashSet<>();
  /** The services' endpoints as this pass leaves them; absent: the service cannot be allocated now. */
  final Map<String, Endpoint> endpoints = new HashMap<>();
  /** Why a service's endpoint could not be allocated (its tasks wait with it). */
  final Map<String, String> problems = new HashMap<>();

  private Allocations(SubnetPool subnets, PortAllocator ports) {
    this.subnets = subnets;
    this.ports = ports;
  }

  static Allocations of(Snapshot snap) {
    List<String> pools = snap.cluster().map(Cluster::defaultAddrPool).orElse(Cluster.DEFAULT_ADDR_POOL);
    int size = snap.cluster().map(Cluster::subnetSize).orElse(Cluster.DEFAULT_SUBNET_SIZE);
    PortRange range = snap.cluster().map(Cluster::publishedPortRange).orElse(PortRange.DEFAULT);
    Allocations a = new Allocations(SubnetPool.of(pools, size), new PortAllocator(range));
    for (Network n : snap.networks()) {
      a.networks.put(n.id(), n);
      if (n.allocated()) {
        a.addNetwork(n);
      }
    }
    for (Service s : snap.services()) {
      if (s.endpoint() != null) {
        a.reserve(s.id(), s.endpoint());
      }
    }
    for (Task t : snap.tasks()) {
      t.networksAttachments().forEach(a::reserve);
    }
    snap.nodes().forEach(n -> n.attachments().forEach(a::reserve));
    return a;
  }

  /** An allocated network's block and VNI taken (at rebuild, or as the pass allocates it). */
  void addNetwork(Network n) {
    networks.put(n.id(), n);
    try {
      spaces.put(n.id(), new AddressSpace(n.block()));
      allocatedSubnets.put(n.id(), Cidr.parse(n.block().subnet()));
    } catch (RuntimeException e) {
      return; // a stored block this version cannot read is left alone rather than stopping every allocation
    }
    vnis.add(n.vni());
  }

  /** The ingress network, if there is one. */
  Optional<Network> ingress() {
    return networks.values().stream().filter(n -> n.spec().ingress()).findFirst();
  }

  /** The allocated network {@code id}, if it exists and is allocated. */
  Optional<Network> allocated(String id) {
    Network n = networks.get(id);
    return n != null && spaces.containsKey(id) ? Optional.of(n) : Optional.empty();
  }

  /** The subnets in use or asked for by networks other than {@code except}: what a pool block must not overlap. */
  List<Cidr> subnetsInUse(String except) {
    List<Cidr> out = new ArrayList<>(allocatedSubnets.values());
    out.add(TunnelPool.POOL); // the nodes' tunnel addresses (encrypted overlays) are no overlay's
    for (Network n : networks.values()) {
      if (!n.id().equals(except) && !allocatedSubnets.containsKey(n.id())) {
        for (IpamConfig c : n.spec().ipamOptions().configs()) {
          try {
            out.add(Cidr.parse(c.subnet()));
          } catch (RuntimeException e) {
            // an unreadable request is refused when that network is allocated
          }
        }
      }
    }
    return out;
  }

  /** True when a service with {@code endpoint} reaches its tasks through the routing mesh. */
  static boolean needsIngress(List<PortConfig> ports) {
    return ports.stream().anyMatch(p -> p.publishMode() == PublishMode.INGRESS);
  }

  /** Takes back what {@code endpoint} holds for {@code service} (at rebuild, or when an allocation is undone). */
  void reserve(String service, Endpoint endpoint) {
    for (PortConfig p : endpoint.ports()) {
      if (p.publishMode() == PublishMode.INGRESS && p.publishedPort() != 0) {
        ports.reserve(service, p.protocol(), p.publishedPort());
      }
    }
    for (VirtualIp v : endpoint.virtualIps()) {
      AddressSpace space = spaces.get(v.networkId());
      if (space != null) {
        space.reserve(v.addr());
      }
    }
  }

  private void reserve(NetworkAttachment a) {
    if (a.network() == null) {
      return;
    }
    AddressSpace space = spaces.get(a.network().id());
    if (space != null) {
      a.addresses().forEach(space::reserve);
    }
  }
}
