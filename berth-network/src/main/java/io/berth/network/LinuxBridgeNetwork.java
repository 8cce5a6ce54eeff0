package io.berth.network;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import io.berth.network.netlink.LinkReaper;
import io.berth.network.netlink.NetNamespaces;
import io.berth.network.netlink.RouteSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Network} of the {@link BridgeDriver}: a Linux bridge with a veth pair into each
 * container's namespace, and one nftables table for NAT (layout and reasons in the module's
 * README). Its attached endpoints and their published ports are the source of truth for the
 * whole daemon: they are saved to a JSON file on every change and the whole table is
 * regenerated from them, so a restarted daemon rebuilds exactly the rules it had, never
 * duplicates. Per-container plumbing (veth, address, route) goes through netlink in-process;
 * only the bridge's creation at start runs {@code ip}.
 */
public final class LinuxBridgeNetwork implements Network {
  private static final Logger LOG = LoggerFactory.getLogger(LinuxBridgeNetwork.class);

  /** What is persisted per container. */
  record Attachment(Endpoint endpoint, List<PortBinding> ports) {}

  record Saved(List<Attachment> attachments) {}

  /**
   * What distinguishes a user-defined network from the default bridge.
   *
   * @param sandboxes the daemon's container namespaces, which every network of it joins
   * @param internal no outbound NAT, no default route, no forwarding off the bridge
   * @param ipRange sub-range (CIDR) automatic addresses come from, or null for the subnet
   * @param isolateFrom interface names (nft wildcards allowed, e.g. {@code br-*}) of the other
   *     bridges of this daemon, which containers of this network must not reach
   * @param ports the daemon-wide ledger of published ports
   * @param mtu of the containers' links (0: the kernel's default), for a bridge whose uplink
   *     carries less, as an overlay's VXLAN port
   * @param gatewayOnBridge the gateway address is put on the bridge (an internal overlay has none:
   *     nothing on it may reach the node)
   * @param closedInbound nothing enters the bridge from elsewhere but replies and DNAT'ed
   *     connections: a network that other networks must not reach by routing through this host
   *     (an overlay, whose subnet the host routes because its gateway is node-local)
   */
  public record Options(Sandboxes sandboxes, boolean internal, String ipRange, List<String> isolateFrom,
      PortLedger ports, int mtu, boolean gatewayOnBridge, boolean closedInbound) {
    /** A plain bridge network's options. */
    public Options(Sandboxes sandboxes, boolean internal, String ipRange, List<String> isolateFrom, PortLedger ports) {
      this(sandboxes, internal, ipRange, isolateFrom, ports, 0, true, false);
    }
  }

  private final String bridge;
  private final String table;
  private final Options options;
  private final Ipam ipam;
  private final StateFile<Saved> stateFile;
  /** By container id; written under this object's lock, read without it by the port ledger. */
  private final Map<String, Attachment> attached = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  private LinuxBridgeNetwork(Path stateDir, String bridge, String gatewayCidr, String table, Options options) {
    if (bridge == null || !bridge.matches("[a-zA-Z][a-zA-Z0-9_-]{0,14}")) {
      throw new InvalidArgumentException("invalid bridge name " + bridge
          + " (a letter, then letters, digits, - or _; at most 15 characters)");
    }
    this.bridge = bridge;
    this.table = Nft.tableName(table);
    this.options = options;
    this.ipam = new Ipam(gatewayCidr, options.ipRange(), stateDir.resolve("ipam-" + bridge + ".json"));
    this.stateFile = new StateFile<>(stateDir.resolve("endpoints-" + bridge + ".json"), Saved.class);
    Saved saved = stateFile.read();
    if (saved != null && saved.attachments() != null) {
      for (Attachment a : saved.attachments()) {
        attached.put(a.endpoint().containerId(), a);
      }
    }
  }

  /**
   * A network whose bridge, addresses and rules are not set up yet: {@link #init} does that.
   *
   * @param stateDir where the address allocations and published ports are kept (the daemon's
   *     exec root: it must vanish on reboot together with the namespaces it describes)
   * @param bridgeName e.g. berth0
   * @param gatewayCidr bridge address with the subnet prefix, e.g. 10.88.0.1/16
   * @param nftTable name of the {@code ip} table this network owns, e.g. berth
   */
  public static LinuxBridgeNetwork open(Path stateDir, String bridgeName, String gatewayCidr, String nftTable,
      Options options) {
    return new LinuxBridgeNetwork(stateDir, bridgeName, gatewayCidr, nftTable, options);
  }

  /** Creates (or adopts) the bridge, IP forwarding, NAT and the nftables table. */
  public synchronized void init() {
    if (hostLinkIndex(bridge).isEmpty()) {
      IpCommand.batch("link add " + bridge + " type bridge\n");
    }
    String cidr = ipam.gateway() + "/" + ipam.prefix();
    StringBuilder ip = new StringBuilder();
    if (options.gatewayOnBridge() && !IpCommand.ipv4Addresses(bridge).contains(cidr)) {
      ip.append("addr add ").append(cidr).append(" dev ").append(bridge).append('\n');
    }
    ip.append("link set ").append(bridge).append(" up\n");
    IpCommand.batch(ip.toString());
    Sysctl.set("net/ipv4/ip_forward", "1");
    Sysctl.set("net/ipv4/conf/" + bridge + "/route_localnet", "1");
    dropVanished();
    syncRules();
    ForeignForward.allow(bridge, table);
    options.ports().register(this);
  }

  /** Forgets endpoints whose namespace is gone (the host rebooted or someone deleted it). */
  private void dropVanished() {
    boolean changed = attached.values().removeIf(a -> {
      boolean gone = !NetNamespaces.exists(Path.of(a.endpoint().netnsPath()).getFileName().toString());
      if (gone) {
        LOG.info("network namespace of {} is gone; releasing {}", a.endpoint().containerId(), a.endpoint().ip());
        ipam.release(a.endpoint().containerId());
      }
      return gone;
    });
    for (String owner : ipam.allocations().keySet()) {
      if (!attached.containsKey(owner) && !options.sandboxes().exists(owner)) {
        ipam.release(owner);
      }
    }
    if (changed) {
      save();
    }
  }

  @Override
  public synchronized void delete() {
    options.ports().unregister(this);
    Nft.deleteTableIfExists("ip", table);
    ForeignForward.revoke(bridge);
    deleteHostLink(bridge);
  }

  static OptionalInt hostLinkIndex(String name) {
    try (RouteSocket host = RouteSocket.open()) {
      return host.linkIndex(name);
    }
  }

  /** Deletes a link of the host namespace if present; false when there was none. */
  static boolean deleteHostLink(String name) {
    try (RouteSocket host = RouteSocket.open()) {
      return host.deleteLink(name);
    }
  }

  @Override
  public synchronized Endpoint attach(String containerId, Attach attach) {
    Sandboxes.checkId(containerId);
    if (attach.ifName() == null || !attach.ifName().matches("eth\\d{1,3}")) {
      throw new InvalidArgumentException("invalid interface name " + attach.ifName());
    }
    String requestedIp = attach.requestedIp();
    String ns = options.sandboxes().name(containerId);
    Attachment existing = attached.get(containerId);
    if (existing != null && NetNamespaces.exists(ns)) {
      if (requestedIp == null || requestedIp.equals(existing.endpoint().ip())) {
        return existing.endpoint();
      }
      throw new ConflictException("container " + containerId + " is already connected to " + bridge
          + " with address " + existing.endpoint().ip());
    }
    // one veth pair per (container, bridge): the bridge name keeps the names of a container's
    // several networks apart while staying within the kernel's 15 characters
    String hostVeth = veth("vb", bridge, containerId);
    String ip = ipam.allocate(containerId, requestedIp);
    String mac = mac(ip);
    Path nsPath = NetNamespaces.path(ns);
    boolean created = false;
    try {
      if (!NetNamespaces.exists(ns)) {
        NetNamespaces.create(ns);
        created = true;
      }
      addVeth(hostVeth, attach.ifName(), mac, nsPath);
      boolean route = attach.defaultRoute() && !options.internal();
      try (RouteSocket inside = RouteSocket.openIn(nsPath)) {
        inside.configure(attach.ifName(), Ipv4.parse(ip), ipam.prefix(),
            route ? OptionalInt.of(Ipv4.parse(ipam.gateway())) : OptionalInt.empty());
      }
      Endpoint ep = new Endpoint(containerId, nsPath.toString(), ip, ipam.prefix(),
          route ? ipam.gateway() : "", mac, hostVeth, attach.ifName());
      attached.put(containerId, new Attachment(ep, List.of()));
      save();
      return ep;
    } catch (RuntimeException e) {
      attached.remove(containerId);
      rollback(created ? ns : null, hostVeth, containerId, e);
      throw e;
    }
  }

  /**
   * The veth pair, its peer made directly in the namespace as {@code ifName}. Hairpin mode on
   * the host end: br_netfilter DNATs bridged frames in place, so a container reaching its own
   * published port needs its frame sent back out the port it came in on. A host end left by a
   * run that crashed (the name derives from bridge and container) is replaced; no lookup
   * guards against it, as that would cost a round trip on every start.
   */
  private void addVeth(String hostVeth, String ifName, String mac, Path nsPath) {
    try (RouteSocket host = RouteSocket.open()) {
      try {
        host.addBridgedVeth(hostVeth, bridge, ifName, mac, nsPath, options.mtu());
      } catch (AlreadyExistsException e) {
        if (!host.deleteLink(hostVeth)) {
          throw e; // the name taken is the peer's, inside the namespace: nothing of ours to replace
        }
        LOG.info("replaced veth {} left over by an earlier run", hostVeth);
        host.addBridgedVeth(hostVeth, bridge, ifName, mac, nsPath, options.mtu());
      }
    }
  }

  private void rollback(String ns, String hostVeth, String containerId, RuntimeException cause) {
    try {
      deleteHostLink(hostVeth); // takes the peer in the namespace with it
      if (ns != null) {
        NetNamespaces.delete(ns);
      }
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
    ipam.release(containerId);
  }

  /** {@code prefix} + 5 characters of the id + a hash of bridge and id: at most 14 characters. */
  static String veth(String prefix, String bridge, String containerId) {
    return prefix + containerId.substring(0, 5) + Integer.toHexString((bridge + containerId).hashCode() & 0xfffffff);
  }

  /** Docker's scheme: locally administered 02:42 followed by the four address bytes. */
  static String mac(String ip) {
    int v = Ipam.toInt(ip);
    return String.format("02:42:%02x:%02x:%02x:%02x", (v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }

  @Override
  public void detach(String containerId) {
    String veth = forget(containerId);
    if (veth != null) {
      deleteHostLink(veth); // outside the lock: the kernel takes 10-100 ms to answer
    }
  }

  @Override
  public void release(String containerId) {
    String veth = forget(containerId);
    if (veth != null) {
      // its namespace goes next, so nothing can use the veth: no need to wait for the kernel
      LinkReaper.get().deleteLater(veth);
    }
  }

  /** Drops the container's endpoint, ports and address; returns its host veth, if it had one. */
  private synchronized String forget(String containerId) {
    Sandboxes.checkId(containerId);
    Attachment a = attached.remove(containerId);
    ipam.release(containerId);
    if (a == null) {
      return null;
    }
    save();
    if (!a.ports().isEmpty()) {
      syncRules();
    }
    return a.endpoint().hostVeth();
  }

  @Override
  public boolean internal() {
    return options.internal();
  }

  @Override
  public synchronized List<PortBinding> publish(String containerId, List<PortBinding> requested) {
    Attachment a = attached.get(containerId);
    if (a == null) {
      throw new FailedPreconditionException("container " + containerId + " is not connected to " + bridge);
    }
    if (!requested.isEmpty() && options.internal()) {
      throw new InvalidArgumentException("ports cannot be published from internal network " + bridge);
    }
    List<PortBinding> out = new ArrayList<>();
    synchronized (options.ports().claims()) {
      for (PortBinding r : requested) {
        validate(r);
        int port = r.hostPort() == 0 ? freePort(containerId, r.hostIp(), r.protocol(), out) : r.hostPort();
        if (r.hostPort() != 0) {
          checkFree(containerId, r.hostIp(), port, r.protocol(), out);
        }
        out.add(new PortBinding(r.hostIp() == null ? "" : r.hostIp(), port, r.containerPort(), r.protocol()));
      }
      attached.put(containerId, new Attachment(a.endpoint(), List.copyOf(out)));
    }
    boolean changed = !out.isEmpty() || !a.ports().isEmpty();
    if (changed) {
      // an endpoint without ports changes no rule: skip the nft transaction (it costs ~20 ms)
      save();
      syncRules();
    }
    return out;
  }

  private static void validate(PortBinding p) {
    if (!"tcp".equals(p.protocol()) && !"udp".equals(p.protocol())) {
      throw new InvalidArgumentException("publishing " + p.protocol() + " ports is not supported (tcp or udp)");
    }
    if (p.containerPort() < 1 || p.containerPort() > 65535 || p.hostPort() < 0 || p.hostPort() > 65535) {
      throw new InvalidArgumentException("invalid port mapping " + p.hostPort() + ":" + p.containerPort());
    }
    if (!NatRules.isWildcard(p.hostIp())) {
      Ipam.toInt(p.hostIp());
    }
  }

  /** Refuses a port another container of ours publishes, or a host socket holds. */
  private void checkFree(String owner, String hostIp, int port, String proto, List<PortBinding> pending) {
    String shown = (NatRules.isWildcard(hostIp) ? "0.0.0.0" : hostIp) + ":" + port;
    List<PortBinding> taken = new ArrayList<>(pending);
    taken.addAll(options.ports().others(owner));
    boolean ours = taken.stream().anyMatch(p -> p.hostPort() == port && p.protocol().equals(proto)
        && (NatRules.isWildcard(p.hostIp()) || NatRules.isWildcard(hostIp) || p.hostIp().equals(hostIp)));
    if (ours) {
      throw new ConflictException("Bind for " + shown + " failed: port is already allocated");
    }
    switch (HostPorts.tryBind(hostIp, port, proto)) {
      case FREE -> { }
      case IN_USE -> throw new ConflictException("Bind for " + shown + " failed: port is already allocated");
      case ADDRESS_NOT_LOCAL -> throw new InvalidArgumentException(
          "cannot publish on " + shown + ": " + hostIp + " is not an address of this host");
    }
  }

  private int freePort(String owner, String hostIp, String proto, List<PortBinding> pending) {
    int[] range = HostPorts.ephemeralRange();
    int span = range[1] - range[0] + 1;
    int start = random.nextInt(span);
    for (int i = 0; i < span; i++) {
      int port = range[0] + (start + i) % span;
      try {
        checkFree(owner, hostIp, port, proto, pending);
        return port;
      } catch (ConflictException e) {
        // taken; the next one
      }
    }
    throw new UnavailableException("no free host port left in " + range[0] + "-" + range[1]);
  }

  private void save() {
    stateFile.write(new Saved(List.copyOf(attached.values())));
  }

  /** Regenerates our table from the attachments, in one transaction. */
  private void syncRules() {
    List<NatRules.Published> pub = attached.values().stream()
        .filter(a -> !a.ports().isEmpty())
        .map(a -> new NatRules.Published(a.endpoint().containerId(), a.endpoint().ip(), a.ports()))
        .toList();
    Nft.apply(NatRules.script(table, bridge, ipam.subnet(), pub, options.internal(), options.isolateFrom(),
        options.closedInbound()));
    LOG.debug("table ip {} rebuilt with {} publishing containers", table, pub.size());
  }

  @Override
  public Optional<Endpoint> endpoint(String containerId) {
    Attachment a = attached.get(containerId);
    return a == null ? Optional.empty() : Optional.of(a.endpoint());
  }

  @Override
  public List<PortBinding> published(String containerId) {
    Attachment a = attached.get(containerId);
    return a == null ? List.of() : a.ports();
  }

  @Override
  public Map<String, List<PortBinding>> published() {
    Map<String, List<PortBinding>> out = new HashMap<>();
    attached.forEach((id, a) -> {
      if (!a.ports().isEmpty()) {
        out.put(id, a.ports());
      }
    });
    return out;
  }

  @Override
  public String subnet() {
    return ipam.subnet();
  }

  @Override
  public String gateway() {
    return ipam.gateway();
  }

  public String bridgeName() {
    return bridge;
  }

  String table() {
    return table;
  }
}
