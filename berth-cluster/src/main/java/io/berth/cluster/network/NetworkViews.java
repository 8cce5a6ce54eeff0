package io.berth.cluster.network;

import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkAttachment;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceBalancing;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.VirtualIp;
import io.berth.cluster.network.NetworkView.AttachedNetwork;
import io.berth.cluster.network.NetworkView.MeshEntry;
import io.berth.cluster.network.NetworkView.MeshPort;
import io.berth.cluster.network.NetworkView.MeshTarget;
import io.berth.cluster.network.NetworkView.NetworkPeer;
import io.berth.cluster.network.NetworkView.ServiceRecord;
import io.berth.cluster.state.Snapshot;
import io.berth.network.overlay.Balancing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives each node's {@link NetworkView} from one snapshot of the store, for the dispatcher to
 * send with the node's assignments. A node gets the overlays of the tasks placed on it, and the
 * ingress network whenever some service publishes through the mesh (the mesh answers on every
 * node, also where no task runs). Peers are the live tasks' addresses on other nodes (placed and
 * not yet ended: a starting task must be reachable the moment it runs, and one on its way out
 * until its container stopped, for the connections the mesh or a VIP gave it just before it
 * left their rotation) and, on ingress, the other nodes' own ingress addresses. Names, VIP and
 * mesh backends list running tasks meant to run only: a task with a health check runs only once
 * healthy, so one that fails it leaves the rotation, as does one told to shut down.
 */
public final class NetworkViews {
  private final Snapshot snap;
  private final Map<String, Network> networks = new LinkedHashMap<>();
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final List<Task> live = new ArrayList<>();
  private final List<MeshService> meshed = new ArrayList<>();
  private final Network ingress;
  private final OverlayEncryption encryption;

  private record MeshService(Service service, List<MeshPort> ports) {}

  private NetworkViews(Snapshot snap, OverlayEncryption encryption) {
    this.snap = snap;
    this.encryption = encryption;
    snap.networks().stream().filter(Network::allocated).forEach(n -> networks.put(n.id(), n));
    snap.nodes().forEach(n -> nodes.put(n.id(), n));
    snap.tasks().stream().filter(NetworkViews::live).forEach(live::add);
    this.ingress = networks.values().stream().filter(n -> n.spec().ingress()).findFirst().orElse(null);
    for (Service s : snap.services()) {
      List<MeshPort> ports = s.endpoint() == null ? List.of() : s.endpoint().ports().stream()
          .filter(p -> p.publishMode() == PublishMode.INGRESS && p.publishedPort() > 0)
          .map(p -> new MeshPort(p.protocol().wire(), p.publishedPort(), p.targetPort())).toList();
      if (!ports.isEmpty()) {
        meshed.add(new MeshService(s, ports));
      }
    }
  }

  public static NetworkViews of(Snapshot snap) {
    return new NetworkViews(snap, null);
  }

  /** Views with the sealed underlay's keys and tunnel addresses for nodes on encrypted overlays. */
  public static NetworkViews of(Snapshot snap, OverlayEncryption encryption) {
    return new NetworkViews(snap, encryption);
  }

  /** Views from the store as it is now, keys included (the dispatcher's). */
  public static NetworkViews of(io.berth.cluster.state.ClusterState state) {
    return of(state.snapshot(), OverlayEncryption.read(state).orElse(null));
  }

  /** The view of {@code nodeId}; {@link NetworkView#EMPTY} for a node the store does not hold. */
  public NetworkView forNode(String nodeId) {
    Node self = nodes.get(nodeId);
    if (self == null) {
      return NetworkView.EMPTY;
    }
    Set<String> needed = new LinkedHashSet<>();
    live.stream().filter(t -> t.nodeId().equals(nodeId))
        .forEach(t -> t.networksAttachments().forEach(a -> needed.add(a.network().id())));
    String ingressAddress = ingress == null ? "" : address(self.attachments(), ingress.id());
    List<MeshEntry> mesh = new ArrayList<>();
    if (ingress != null && !ingressAddress.isEmpty() && !meshed.isEmpty()) {
      needed.add(ingress.id());
      for (MeshService m : meshed) {
        mesh.add(new MeshEntry(m.service().id(), m.ports(), running(m.service().id()).stream()
            .map(t -> new MeshTarget(bare(address(t.networksAttachments(), ingress.id())), t.nodeId().equals(nodeId)))
            .filter(b -> !b.ip().isEmpty()).toList(), balancing(m.service())));
      }
    }
    List<AttachedNetwork> out = new ArrayList<>();
    for (String id : needed) {
      Network n = networks.get(id);
      if (n != null) {
        out.add(attached(n, nodeId));
      }
    }
    Set<String> encrypted = out.stream().filter(AttachedNetwork::encrypted).map(AttachedNetwork::id)
        .collect(java.util.stream.Collectors.toSet());
    return new NetworkView(underlay(self), ingressAddress, out, mesh,
        Sealings.forNode(nodeId, encrypted, live, nodes, encryption));
  }

  private AttachedNetwork attached(Network n, String nodeId) {
    List<NetworkPeer> peers = new ArrayList<>();
    for (Task t : live) {
      Node at = nodes.get(t.nodeId());
      String ip = bare(address(t.networksAttachments(), n.id()));
      if (!t.nodeId().equals(nodeId) && at != null && !ip.isEmpty()) {
        peers.add(new NetworkPeer(ip, underlay(at), false));
      }
    }
    if (n.spec().ingress()) {
      for (Node other : nodes.values()) {
        String ip = bare(address(other.attachments(), n.id()));
        if (!other.id().equals(nodeId) && !ip.isEmpty()) {
          peers.add(new NetworkPeer(ip, underlay(other), true));
        }
      }
    }
    List<ServiceRecord> services = n.spec().ingress() ? List.of() : services(n);
    var block = n.block();
    return new AttachedNetwork(n.id(), n.spec().name(), block.subnet(), block.gateway(), n.vni(), n.spec().internal(),
        n.spec().encrypted(), n.spec().ingress(), peers, services);
  }

  /** The services with a VIP or a task on {@code n}, as names resolve on it. */
  private List<ServiceRecord> services(Network n) {
    List<ServiceRecord> out = new ArrayList<>();
    for (Service s : snap.services()) {
      String vip = s.endpoint() == null ? "" : s.endpoint().virtualIps().stream()
          .filter(v -> v.networkId().equals(n.id())).map(VirtualIp::addr).map(NetworkViews::bare).findFirst().orElse("");
      List<String> tasks = running(s.id()).stream().map(t -> bare(address(t.networksAttachments(), n.id())))
          .filter(ip -> !ip.isEmpty()).toList();
      boolean attached = s.spec().taskTemplate().networks().stream().anyMatch(c -> c.target().equals(n.id()));
      if (!attached && vip.isEmpty() && tasks.isEmpty()) {
        continue;
      }
      List<String> aliases = s.spec().taskTemplate().networks().stream().filter(c -> c.target().equals(n.id()))
          .flatMap(c -> c.aliases().stream()).distinct().toList();
      out.add(new ServiceRecord(s.spec().name(), vip, tasks, aliases, balancing(s)));
    }
    out.addAll(AttachmentNames.on(n.id(), live));
    return out;
  }

  /** The service's algorithm as the view spells it: "" for round robin, so round-robin views stay as they were. */
  private static String balancing(Service s) {
    Balancing b = ServiceBalancing.orRoundRobin(s.spec().labels());
    return b == Balancing.ROUND_ROBIN ? "" : b.wire();
  }

  private List<Task> running(String serviceId) {
    return live.stream().filter(t -> serviceId.equals(t.serviceId()) && t.desiredState() == TaskState.RUNNING
        && t.status().state() == TaskState.RUNNING).toList();
  }

  /** Placed on a node and not ended, whatever it is meant to do next. */
  private static boolean live(Task t) {
    TaskState s = t.status().state();
    return !t.nodeId().isEmpty() && s.compareTo(TaskState.ASSIGNED) >= 0 && s.compareTo(TaskState.RUNNING) <= 0;
  }

  private static String address(List<NetworkAttachment> attachments, String networkId) {
    return attachments.stream().filter(a -> a.network() != null && a.network().id().equals(networkId))
        .flatMap(a -> a.addresses().stream()).findFirst().orElse("");
  }

  private static String bare(String cidr) {
    int slash = cidr.indexOf('/');
    return slash < 0 ? cidr : cidr.substring(0, slash);
  }

  private static String underlay(Node n) {
    String addr = n.status().addr();
    return addr == null ? "" : addr;
  }
}
