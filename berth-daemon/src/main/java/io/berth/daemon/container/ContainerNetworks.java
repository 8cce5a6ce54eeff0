package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.container.Container.NetworkAttachment;
import io.berth.daemon.network.NetworkRecord;
import io.berth.daemon.network.NetworkService;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.network.Attach;
import io.berth.network.Endpoint;
import io.berth.network.Network;
import io.berth.network.PortBinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container's memberships in networks: which networks it asked for at create (validated
 * there), attaching them all when it starts (eth0 on the first, eth1... on the others) and
 * detaching on exit, and {@code network connect/disconnect} while it runs or not.
 *
 * <p>The container record keeps only the memberships (what was asked: network, aliases, address,
 * links). Its endpoints and published ports are the networks' ({@link Network} owns them and
 * saves them for live restore); {@link #endpoints}, {@link #primary} and {@link #ports} read
 * them from there, so there is no copy to fall out of step.
 */
public final class ContainerNetworks {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerNetworks.class);
  private final NetworkService networks;
  private final SwarmMemberships swarm;
  private volatile Dns dns = Dns.NONE;

  /** The embedded DNS server's hooks (attach when the namespace is ready, detach before it goes). */
  public interface Dns {
    Dns NONE = new Dns() {
      @Override
      public void attach(Container c, String netnsPath) {}

      @Override
      public void detach(Container c) {}
    };

    void attach(Container c, String netnsPath);

    void detach(Container c);
  }

  public ContainerNetworks(NetworkService networks) {
    this.networks = networks;
    this.swarm = new SwarmMemberships(networks);
  }

  public void dns(Dns dns) {
    this.dns = dns;
  }

  /** How a plain container gets onto a swarm overlay (this node's session with the managers). */
  public void swarm(SwarmMemberships.Attacher attacher) {
    swarm.attacher(attacher);
  }

  public NetworkService service() {
    return networks;
  }

  /** The network mode a container record resolves to: host, none, joined or a bridged one. */
  static NetworkSpec.Mode mode(Container c) {
    return c.host().network().mode();
  }

  static boolean onDefaultBridge(Container c) {
    return c.networks == null ? mode(c).equals(new NetworkSpec.Mode.Bridged(NetworkRecord.BRIDGE))
        : c.networks.containsKey(NetworkRecord.BRIDGE);
  }

  /** True when the container has a network namespace of its own, with bridged networks in it. */
  static boolean bridged(Container c) {
    return c.host().network().bridged();
  }

  /**
   * The memberships a create request asks for: HostConfig.NetworkMode first, then any other
   * NetworkingConfig.EndpointsConfig entries, each checked to exist and to be usable. None for
   * a container that joins another's namespace ({@link JoinedNetwork}).
   */
  LinkedHashMap<String, NetworkAttachment> plan(Container c, ObjectNode hostConfig, JsonNode request) {
    LinkedHashMap<String, NetworkAttachment> out = new LinkedHashMap<>();
    // the request, before the typed model: this rewrites NetworkMode to the network's name
    String asked = hostConfig.path("NetworkMode").asText("default");
    String mode = asked.isEmpty() || asked.equals("default") ? NetworkRecord.BRIDGE : asked;
    JsonNode networkingConfig = request.get("NetworkingConfig");
    JsonNode endpoints = networkingConfig == null ? null : networkingConfig.path("EndpointsConfig");
    if (JoinedNetwork.joins(mode)) {
      JoinedNetwork.check(mode, request, hostConfig);
      if (endpoints != null && endpoints.size() > 0) {
        throw new InvalidArgumentException("container sharing network namespace with another container or host"
            + " cannot be connected to any other network");
      }
      return out;
    }
    Member first = member(c, mode, endpoints == null ? null : endpointConfig(endpoints, asked, mode));
    NetworkRecord primary = first.record();
    if (!primary.hasEndpoints()) {
      if (endpoints != null && endpoints.size() > 1) {
        throw new InvalidArgumentException("container cannot be connected to host or none network and others");
      }
      hostConfig.put("NetworkMode", primary.name());
      return out;
    }
    hostConfig.put("NetworkMode", primary.name().equals(NetworkRecord.BRIDGE) ? "bridge" : primary.name());
    out.put(primary.name(), attachment(primary, endpointConfig(endpoints, asked, mode, primary)));
    if (endpoints != null) {
      for (var it = endpoints.fields(); it.hasNext(); ) {
        var e = it.next();
        if (e.getKey().equals(asked) || e.getKey().equals("default")) {
          continue; // the docker CLI names the primary network as it was given
        }
        Member m = member(c, e.getKey(), e.getValue());
        NetworkRecord r = m.record();
        if (out.containsKey(r.name())) {
          continue;
        }
        if (!r.hasEndpoints()) {
          throw new InvalidArgumentException("container cannot be connected to host or none network and others");
        }
        out.put(r.name(), attachment(r, e.getValue()));
      }
    }
    return out;
  }

  /** A network {@code ref} names, and whether {@code c} joins it through the swarm. */
  private record Member(NetworkRecord record, boolean swarm) {}

  /**
   * The network {@code ref} names: this engine's own, or, for a plain container on a swarm
   * overlay (a copy here or not), the one the managers name ({@link SwarmMemberships}; its
   * address is taken at start).
   */
  private Member member(Container c, String ref, JsonNode cfg) {
    NetworkRecord local = null;
    NotFoundException missing = null;
    try {
      local = networks.find(ref);
    } catch (NotFoundException e) {
      missing = e;
    }
    if (swarm.applies(c, local)) {
      var r = swarm.resolve(local == null ? ref : local.id(), cfg);
      if (r.isPresent()) {
        return new Member(local != null && local.id().equals(r.get().id()) ? local : r.get(), true);
      }
    }
    if (local == null) {
      throw missing;
    }
    return new Member(local, false);
  }

  /** The endpoint config of the primary network by the names the client may give it. */
  private static JsonNode endpointConfig(JsonNode endpoints, String asked, String mode) {
    return endpoints.has(asked) ? endpoints.get(asked) : endpoints.get(mode);
  }

  private static JsonNode endpointConfig(JsonNode endpoints, String asked, String mode, NetworkRecord r) {
    if (endpoints == null) {
      return null;
    }
    for (String key : List.of(asked, mode, r.name(), r.id())) {
      if (endpoints.has(key)) {
        return endpoints.get(key);
      }
    }
    return null;
  }

  private static NetworkAttachment attachment(NetworkRecord r, JsonNode cfg) {
    List<String> aliases = new ArrayList<>();
    String ip = null;
    if (cfg != null) {
      cfg.path("Aliases").forEach(a -> {
        if (!a.asText().isEmpty() && !aliases.contains(a.asText())) {
          aliases.add(a.asText());
        }
      });
      ip = cfg.path("IPAMConfig").path("IPv4Address").asText("");
      ip = ip.isEmpty() ? null : ip;
    }
    if (!r.userDefined() && !aliases.isEmpty()) {
      throw new InvalidArgumentException("network-scoped alias is supported only for containers in user defined networks");
    }
    if (!r.userDefined() && ip != null) {
      throw new InvalidArgumentException("user specified IP address is supported on user defined networks only");
    }
    // as Docker keeps them: "target:alias", the alias resolved by this container only
    List<String> links = cfg == null ? List.of()
        : Links.parse(cfg).stream().map(l -> l.target() + ":" + l.alias()).toList();
    if (!r.userDefined() && !links.isEmpty()) {
      throw new InvalidArgumentException("links in endpoint settings are supported only on user-defined networks"
          + " (on the default bridge, link with HostConfig.Links)");
    }
    return new NetworkAttachment(r.id(), List.copyOf(aliases), ip, links);
  }

  /** Memberships of a record, reading records older than networks as "on the default bridge". */
  LinkedHashMap<String, NetworkAttachment> of(Container c) {
    if (c.networks == null) {
      c.networks = new LinkedHashMap<>();
      if (mode(c).equals(new NetworkSpec.Mode.Bridged(NetworkRecord.BRIDGE))) {
        c.networks.put(NetworkRecord.BRIDGE, new NetworkAttachment(networks.defaultBridge().id(), List.of(), null, List.of()));
      }
    }
    return c.networks;
  }

  /** The network that carries a membership. */
  private Network network(NetworkAttachment a) {
    return networks.network(networks.find(a.networkId()));
  }

  /** The container's endpoint on network {@code name} (by membership name), or null when it has none. */
  public Endpoint endpoint(Container c, String name) {
    NetworkAttachment a = of(c).get(name);
    if (a == null) {
      return null;
    }
    try {
      return network(a).endpoint(c.id).orElse(null);
    } catch (NotFoundException | InvalidArgumentException e) {
      return null; // the network was removed, or has no driver: no endpoint on it
    }
  }

  /** The container's endpoints by membership name, in attach order (only those that exist). */
  public LinkedHashMap<String, Endpoint> endpoints(Container c) {
    LinkedHashMap<String, Endpoint> out = new LinkedHashMap<>();
    for (String name : of(c).keySet()) {
      Endpoint ep = endpoint(c, name);
      if (ep != null) {
        out.put(name, ep);
      }
    }
    return out;
  }

  /**
   * The endpoint the container reaches the outside through (its address in /etc/hosts and
   * links): the one with the default route, or its first interface on an internal network.
   * Null while it does not run, and after that endpoint was disconnected.
   */
  public Endpoint primary(Container c) {
    Endpoint eth0 = null;
    for (Endpoint ep : endpoints(c).values()) {
      if (ep.defaultRoute()) {
        return ep;
      }
      if ("eth0".equals(ep.ifName())) {
        eth0 = ep;
      }
    }
    return eth0;
  }

  /**
   * The address inspect shows as the membership's IPAMConfig: the one asked for with --ip, or
   * on a swarm overlay the one the managers gave this run (Docker shows it while the container
   * runs, and clears it when it stops).
   */
  String ipamAddress(Container c, NetworkAttachment a, Endpoint ep) {
    if (a.ipv4Address() != null) {
      return a.ipv4Address();
    }
    return ep != null && swarm.attached(c, a) ? ep.ip() : null;
  }

  /** The ports the container publishes, on whichever network publishes them. */
  public List<PortBinding> ports(Container c) {
    List<PortBinding> out = new ArrayList<>();
    for (NetworkAttachment a : of(c).values()) {
      try {
        out.addAll(network(a).published(c.id));
      } catch (NotFoundException | InvalidArgumentException e) {
        // a removed network, or one without a driver, publishes nothing
      }
    }
    return out;
  }

  /** Creates the namespace runc will put the container in (before any veth exists). */
  String createNamespace(Container c) {
    return networks.sandboxes().create(c.id);
  }

  /**
   * Connects every network (eth0 on the first, which gets the default route and the published
   * ports), then the DNS server, and returns the first endpoint (null with no network). On
   * failure what was attached is undone by {@link #detachAll}.
   */
  Endpoint attachAll(Container c, List<PortBinding> requestedPorts) {
    int index = 0;
    Endpoint first = null;
    for (var m : new ArrayList<>(of(c).entrySet())) {
      NetworkAttachment a = m.getValue();
      // a swarm overlay's address is the managers' to give, for this run only
      String address = swarm.attached(c, a) ? swarm.claim(c, m.getKey(), a) : a.ipv4Address();
      Network n = network(a);
      Endpoint ep = n.attach(c.id, new Attach(address, "eth" + index, index == 0));
      if (index == 0) {
        first = ep;
        n.publish(c.id, requestedPorts);
      }
      index++;
    }
    if (first != null && usesDns(c)) {
      dns.attach(c, first.netnsPath());
    }
    return first;
  }

  /**
   * Undoes {@link #attachAll} (and {@link #createNamespace}), giving the swarm addresses back to
   * the managers; safe to repeat.
   */
  void detachAll(Container c) {
    dns.detach(c);
    for (NetworkAttachment a : of(c).values()) {
      try {
        network(a).release(c.id); // the namespace goes below
      } catch (RuntimeException e) {
        LOG.warn("detaching {} from network {}: {}", c.id, a.networkId(), e.getMessage());
      }
    }
    networks.sandboxes().delete(c.id);
    swarm.release(c);
  }

  /**
   * Live restore of a container that kept running: its networks already took back its
   * endpoints and ports from their own state when the daemon started; its names come back here.
   */
  void restore(Container c) {
    Endpoint any = endpoints(c).values().stream().findFirst().orElse(null);
    if (any != null && usesDns(c)) {
      dns.attach(c, any.netnsPath());
    }
  }

  /** True when one of the container's networks is user-defined (those have DNS). */
  boolean usesDns(Container c) {
    return of(c).values().stream().anyMatch(a -> {
      try {
        return networks.find(a.networkId()).userDefined();
      } catch (NotFoundException e) {
        return swarm.attached(c, a); // a swarm overlay whose copy is made at start: user-defined
      } catch (RuntimeException e) {
        return false;
      }
    });
  }

  /**
   * {@code network connect}: recorded, and attached at once when the container runs (a swarm
   * overlay's address is taken then, else at its next start). A bridged
   * container may have been disconnected from every network first (docker-compose 1.29 does
   * that to the network it was created on, then connects it again with its aliases): its
   * network mode stays what create set, as in Docker, so it can be connected again.
   */
  NetworkRecord connect(Container c, String ref, JsonNode endpointConfig, boolean running) {
    if (!bridged(c)) {
      throw new InvalidArgumentException(mode(c) instanceof NetworkSpec.Mode.None
          ? "container cannot be connected to multiple networks with one of the networks in private (none) mode"
          : "container sharing network namespace with another container or host cannot be connected to any other network");
    }
    Member m = member(c, ref, endpointConfig);
    try {
      connect(c, m.record(), m.swarm(), endpointConfig, running);
      return m.record();
    } catch (RuntimeException e) {
      if (m.swarm() && running) {
        swarm.detach(c, m.record().id());
      }
      throw e;
    }
  }

  private void connect(Container c, NetworkRecord r, boolean viaSwarm, JsonNode endpointConfig, boolean running) {
    if (r.name().equals(NetworkRecord.HOST)) {
      throw new InvalidArgumentException("cannot connect container to host network - container must be created in host network mode");
    }
    if (!r.hasEndpoints()) {
      throw new InvalidArgumentException(of(c).isEmpty()
          ? "connecting container " + c.name + " to the none network after create is not supported: create it with --network none"
          : "container cannot be connected to multiple networks with one of the networks in private (none) mode");
    }
    if (of(c).containsKey(r.name())) {
      throw new ForbiddenException("endpoint with name " + c.name + " already exists in network " + r.name());
    }
    NetworkAttachment a = attachment(r, endpointConfig);
    Endpoint ep = null;
    if (running) {
      int index = 0;
      for (String name : c.networks.keySet()) {
        Endpoint x = endpoint(c, name);
        if (x != null && x.ifName() != null) {
          index = Math.max(index, Integer.parseInt(x.ifName().substring(3)) + 1);
        } else {
          index++;
        }
      }
      // a container that runs with no network (all were disconnected) gets its default route,
      // and its names, through the first one connected again
      boolean primary = primary(c) == null;
      String address = viaSwarm ? swarm.claim(c, r.name(), a) : a.ipv4Address();
      ep = network(a).attach(c.id, new Attach(address, "eth" + index, primary));
    }
    boolean hadDns = running && usesDns(c);
    c.networks.put(r.name(), a);
    if (ep != null && !hadDns && usesDns(c)) {
      dns.attach(c, ep.netnsPath());
    }
  }

  /**
   * The network {@code ref} (name or id) names for {@code network disconnect}: this engine's,
   * or a swarm overlay {@code c} is a member of whose copy is not here (it never ran since).
   */
  NetworkRecord memberNetwork(Container c, String ref) {
    try {
      return networks.find(ref);
    } catch (NotFoundException e) {
      return of(c).entrySet().stream()
          .filter(m -> m.getKey().equals(ref) || m.getValue().networkId().startsWith(ref))
          .filter(m -> swarm.attached(c, m.getValue()))
          .map(m -> SwarmMemberships.record(m.getValue().networkId(), m.getKey()))
          .findFirst().orElseThrow(() -> e);
    }
  }

  /** {@code network disconnect}. */
  void disconnect(Container c, NetworkRecord r) {
    NetworkAttachment a = of(c).get(r.name());
    if (a == null) {
      throw new ConflictException("container " + c.id + " is not connected to network " + r.name());
    }
    if (endpoint(c, r.name()) != null) {
      networks.network(r).detach(c.id); // its published ports go with it
    }
    // the network mode stays as create set it (Docker's does): a container left with no
    // network runs with loopback only, and can be connected again
    c.networks.remove(r.name());
    if (swarm.attached(c, a)) {
      swarm.detach(c, a.networkId());
    }
  }

  /** Gives back the swarm addresses {@code c} may still hold (it is removed). */
  void releaseSwarm(Container c) {
    swarm.release(c);
  }

  /**
   * Whether {@code c} may hold addresses on swarm overlays now: it runs, or its start took them.
   * The managers' attachments of a container that does not are stale (their detach failed).
   */
  public boolean mayHoldSwarmAddresses(Container c) {
    return swarm.mayHold(c);
  }
}
