package io.berth.daemon.overlay;

import io.berth.cluster.network.NetworkView;
import io.berth.cluster.network.NetworkView.AttachedNetwork;
import io.berth.cluster.network.NetworkView.ServiceRecord;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerRepository;
import io.berth.daemon.network.NetworkRecord;
import io.berth.daemon.network.NetworkService;
import io.berth.network.Endpoint;
import io.berth.network.overlay.Balancing;
import io.berth.network.overlay.LeastConnections;
import io.berth.network.overlay.MeshBackend;
import io.berth.network.overlay.MeshPort;
import io.berth.network.overlay.MeshService;
import io.berth.network.overlay.OverlayDriver;
import io.berth.network.overlay.OverlayNetwork;
import io.berth.network.overlay.OverlayPeer;
import io.berth.network.overlay.RoutingMesh;
import io.berth.network.overlay.ServiceBalancer;
import io.berth.network.overlay.UntrackedUnderlay;
import io.berth.network.overlay.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node's kernel state match the network view the managers send with its assignments
 * (level-triggered, the whole view each time): a local copy of each swarm overlay its tasks are
 * on, with every remote endpoint programmed; the routing mesh's published ports; each local
 * container's service VIPs, balanced in its own namespace; and overlays no task needs any more
 * removed. Encrypted overlays cross this node's sealed underlay ({@link SealedNetworks}); one
 * that cannot (no keys yet, no seal) is left out, so its tasks (and plain containers attaching
 * to it) fail naming the missing network rather than run in clear.
 */
public final class NodeOverlays implements Consumer<NetworkView> {
  private static final Logger LOG = LoggerFactory.getLogger(NodeOverlays.class);

  private final NetworkService networks;
  private final ContainerRepository containers;
  private final String meshTable;
  private final UntrackedUnderlay untracked;
  /** Applies VIPs and the mesh, narrowing least-connections services to their least-loaded tasks. */
  private final LeastConnections balancing = new LeastConnections(new ServiceBalancer());
  private volatile NetworkView view = NetworkView.EMPTY;
  private RoutingMesh mesh;
  private String meshNetwork;
  /**
   * Networks set up for an attachment, by when they may be pruned: a view made before the
   * attachment was allocated must not remove a copy whose container is still being created.
   */
  private final Map<String, Long> attaching = new java.util.HashMap<>();
  private static final long ATTACH_GRACE_NANOS = 60_000_000_000L;
  /** How long a plain container's attachment waits for the view that lays an encrypted overlay over the seal. */
  static final long SEALED_WAIT_NANOS = 15_000_000_000L;
  private final SealedNetworks sealed;
  /** The encrypted overlays the last view set up over this node's seal. */
  private Set<String> sealedUp = Set.of();

  /**
   * @param daemonTable the daemon's nftables table: the routing mesh's and the underlay's tables
   *     are named after it ({@code _mesh}, {@code _vxlan})
   * @param sealTun the name of the sealed underlay's tun (encrypted overlays), unique among this namespace's links
   */
  public NodeOverlays(NetworkService networks, ContainerRepository containers, String daemonTable, String sealTun) {
    this.networks = networks;
    this.containers = containers;
    this.meshTable = daemonTable + "_mesh";
    this.untracked = new UntrackedUnderlay(daemonTable + "_vxlan");
    this.sealed = new SealedNetworks(sealTun.length() > 15 ? sealTun.substring(0, 15) : sealTun,
        io.berth.network.seal.SealSpec.DEFAULT_PORT);
  }

  @Override
  public synchronized void accept(NetworkView next) {
    OverlayNetwork ingress = null;
    Set<String> sealedNow = new java.util.HashSet<>();
    boolean plain = false;
    var carrier = sealed.apply(next);
    for (AttachedNetwork n : next.networks()) {
      if (n.encrypted() && carrier.isEmpty()) {
        LOG.warn("swarm network {} is encrypted and this node has no sealed underlay for it (yet): left out", n.name());
        continue;
      }
      try {
        OverlayNetwork o;
        if (n.encrypted()) {
          // over the sealed underlay: the vxlan device binds to this node's tunnel address
          Map<String, String> options = carrier.get().options(n.vni());
          SealedNetworks.dropStale(networks, n.id(), options);
          o = (OverlayNetwork) networks.ensureOverlay(n.id(), n.name(), n.subnet(), n.gateway(), n.internal(), options);
          o.peers(n.peers().stream().flatMap(p -> carrier.get().peer(p).stream()).toList());
          sealedNow.add(n.id());
        } else {
          o = setUp(n, next.underlay());
          plain = true;
        }
        if (n.ingress()) {
          ingress = o;
        }
      } catch (RuntimeException e) {
        LOG.warn("swarm network {} could not be set up on this node: {}", n.name(), e.getMessage());
      }
    }
    view = next;
    untrack(next, plain);
    routeMesh(next, ingress);
    containers.all().stream().filter(c -> c.state.running()).forEach(this::balanceQuietly);
    prune(next);
    sealed.release(next);
    sealedUp = sealedNow;
    notifyAll(); // an attachment may be waiting for its encrypted overlay (see ensure)
  }

  /** This node's copy of {@code n}, made when missing, with its peers programmed. */
  private OverlayNetwork setUp(AttachedNetwork n, String underlay) {
    OverlayNetwork o = (OverlayNetwork) networks.ensureOverlay(n.id(), n.name(), n.subnet(), n.gateway(),
        n.internal(), Map.of(OverlayDriver.VNI, Integer.toString(n.vni()), OverlayDriver.UNDERLAY, underlay));
    o.peers(n.peers().stream().map(p -> p.node() ? OverlayPeer.node(p.ip(), p.underlay())
        : OverlayPeer.endpoint(p.ip(), p.underlay())).toList());
    return o;
  }

  /**
   * Sets up {@code n} on this node now, from the managers' answer to an attachment: a plain
   * container joins it before the next view (which carries it from then on) arrives. An
   * encrypted overlay needs this node's seal, keys and peers, which only a view brings: the
   * attachment made, the managers send this node a view with the network and its sealing, and
   * this waits (bounded) until that view has laid the network over the seal.
   */
  public synchronized void ensure(AttachedNetwork n, String underlay) {
    if (n.encrypted()) {
      awaitSealed(n);
    } else {
      setUp(n, underlay);
    }
    attaching.put(n.id(), System.nanoTime() + ATTACH_GRACE_NANOS);
  }

  private void awaitSealed(AttachedNetwork n) {
    long deadline = System.nanoTime() + SEALED_WAIT_NANOS;
    while (!sealedUp.contains(n.id())) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new io.berth.errdefs.UnavailableException("swarm network " + n.name() + " is encrypted and was not"
            + " laid over this node's sealed underlay within " + SEALED_WAIT_NANOS / 1_000_000_000L
            + "s (no keys or tunnel address from the managers yet)");
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new io.berth.errdefs.UnavailableException("interrupted waiting for encrypted swarm network " + n.name());
      }
    }
  }

  /** VXLAN on this node's underlay address out of conntrack while a plain overlay is here. */
  private void untrack(NetworkView next, boolean plain) {
    try {
      if (plain && next.underlay() != null && !next.underlay().isEmpty()) {
        untracked.apply(next.underlay());
      } else {
        untracked.delete();
      }
    } catch (RuntimeException e) {
      LOG.warn("VXLAN packets stay tracked by conntrack: {}", e.getMessage());
    }
  }

  /** The published ports of the mesh, on the ingress overlay, or none. */
  private void routeMesh(NetworkView next, OverlayNetwork ingress) {
    if (ingress == null || next.mesh().isEmpty() || next.ingressAddress().isEmpty()) {
      if (mesh != null) {
        balancing.meshGone();
        mesh.delete();
        mesh = null;
        meshNetwork = null;
      }
      return;
    }
    if (mesh == null || !ingress.bridgeName().equals(meshNetwork)) {
      mesh = new RoutingMesh(ingress, meshTable);
      meshNetwork = ingress.bridgeName();
    }
    List<MeshService> services = next.mesh().stream().map(m -> new MeshService(m.serviceId(),
        m.ports().stream().map(p -> new MeshPort(p.protocol(), p.publishedPort(), p.targetPort())).toList(),
        m.backends().stream().map(b -> new MeshBackend(b.ip(), b.local())).toList(),
        algorithm(m.balancing()))).toList();
    try {
      balancing.mesh(mesh, bare(next.ingressAddress()), services);
    } catch (RuntimeException e) {
      LOG.warn("routing mesh not applied: {}", e.getMessage());
    }
  }

  /**
   * Sets the VIPs of the services on {@code c}'s swarm networks in its namespace (when its
   * network comes up, and on every view); nothing for a container on no swarm network.
   */
  public void balance(Container c) {
    List<VirtualService> vips = new ArrayList<>();
    String netns = null;
    NetworkView v = view;
    for (AttachedNetwork n : v.networks()) {
      Endpoint ep = endpoint(c, n.id());
      if (ep == null) {
        continue;
      }
      netns = ep.netnsPath();
      for (ServiceRecord s : n.services()) {
        if (!s.vip().isEmpty()) {
          vips.add(new VirtualService(s.vip(), List.of(), s.tasks(), algorithm(s.balancing())));
        }
      }
    }
    if (netns != null) {
      balancing.sandbox(netns, vips);
    }
  }

  /** Stops counting connections in {@code c}'s namespace (its network is going down). */
  public void unbalance(Container c) {
    for (AttachedNetwork n : view.networks()) {
      Endpoint ep = endpoint(c, n.id());
      if (ep != null) {
        balancing.forget(ep.netnsPath());
      }
    }
  }

  private void balanceQuietly(Container c) {
    try {
      balance(c);
    } catch (RuntimeException e) {
      LOG.warn("service VIPs of container {} not applied: {}", c.name, e.getMessage());
    }
  }

  private Endpoint endpoint(Container c, String networkId) {
    if (c.networks == null || c.networks.values().stream().noneMatch(a -> a.networkId().equals(networkId))) {
      return null;
    }
    try {
      return networks.network(networks.find(networkId)).endpoint(c.id).orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Removes this node's copies of overlays that are out of the view and hold no container. */
  private void prune(NetworkView next) {
    Set<String> wanted = next.networks().stream().map(AttachedNetwork::id).collect(Collectors.toSet());
    long now = System.nanoTime();
    attaching.entrySet().removeIf(e -> wanted.contains(e.getKey()) || e.getValue() - now < 0);
    for (NetworkRecord r : networks.overlays()) {
      if (wanted.contains(r.id()) || inUse(r.id()) || attaching.containsKey(r.id())) {
        continue;
      }
      try {
        networks.remove(r);
      } catch (RuntimeException e) {
        LOG.warn("swarm network {} not removed from this node: {}", r.name(), e.getMessage());
      }
    }
  }

  private boolean inUse(String networkId) {
    return containers.all().stream().anyMatch(c -> c.networks != null
        && c.networks.values().stream().anyMatch(a -> a.networkId().equals(networkId)));
  }

  /**
   * The addresses {@code name} resolves to on the swarm networks {@code networkIds}, as Docker
   * answers them: a service's name or one of its aliases on the network is its VIP (its tasks in
   * dnsrr mode), {@code tasks.NAME} and {@code tasks.ALIAS} its tasks; empty when the name is no
   * service of those networks.
   */
  public List<String> lookup(Set<String> networkIds, String name) {
    List<String> out = new ArrayList<>();
    for (AttachedNetwork n : view.networks()) {
      if (!networkIds.contains(n.id())) {
        continue;
      }
      for (ServiceRecord s : n.services()) {
        List<String> names = new ArrayList<>(s.aliases());
        names.add(s.name());
        if (names.stream().anyMatch(x -> x.equalsIgnoreCase(name))) {
          out.addAll(s.vip().isEmpty() ? s.tasks() : List.of(s.vip()));
        } else if (names.stream().anyMatch(x -> ("tasks." + x).equalsIgnoreCase(name))) {
          out.addAll(s.tasks());
        }
      }
    }
    return out.stream().distinct().toList();
  }

  /** The view's algorithm; one this node does not know (a newer manager's) balances round robin. */
  private static Balancing algorithm(String name) {
    try {
      return Balancing.parse(name);
    } catch (RuntimeException e) {
      LOG.warn("{}: balanced round robin on this node", e.getMessage());
      return Balancing.ROUND_ROBIN;
    }
  }

  private static String bare(String cidr) {
    int slash = cidr.indexOf('/');
    return slash < 0 ? cidr : cidr.substring(0, slash);
  }}
