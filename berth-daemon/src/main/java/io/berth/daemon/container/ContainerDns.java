package io.berth.daemon.container;

import io.berth.daemon.container.Container.NetworkAttachment;
import io.berth.daemon.network.NetworkRecord;
import io.berth.daemon.network.NetworkService;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.network.Endpoint;
import io.berth.network.dns.EmbeddedDns;
import io.berth.network.dns.NameResolver;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names as Docker's embedded DNS gives them: from a container, every running container that
 * shares one of its user-defined networks answers to its name, its short id, its network
 * aliases (compose service names are aliases) and {@code name.network}; the default bridge has
 * no names. Also attaches and detaches the DNS server as containers start and stop.
 */
public final class ContainerDns implements NameResolver, ContainerNetworks.Dns {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerDns.class);
  private final ContainerRepository repo;
  private final NetworkService networks;
  private final EmbeddedDns server;
  private volatile ServiceNames services = (networkIds, name) -> List.of();

  /** Swarm service names ({@code NAME}, {@code tasks.NAME}) on the swarm networks of a container. */
  @FunctionalInterface
  public interface ServiceNames {
    /** Addresses (dotted quads) of {@code name} on those networks; empty when it names no service there. */
    List<String> lookup(java.util.Set<String> networkIds, String name);
  }

  public ContainerDns(ContainerRepository repo, NetworkService networks, Path hostResolvConf) {
    this.repo = repo;
    this.networks = networks;
    this.server = new EmbeddedDns(this, hostResolvConf);
  }

  /** Where swarm service names come from on this node (set once the swarm's networks are wired). */
  public void serviceNames(ServiceNames names) {
    this.services = names;
  }

  @Override
  public void attach(Container c, String netnsPath) {
    try {
      server.attach(c.id, Path.of(netnsPath), dnsServers(c));
    } catch (IOException e) {
      // the container runs without names rather than not at all; say why
      LOG.warn("embedded DNS for {} not available: {}", c.name, e.getMessage());
    }
  }

  /** The container's --dns servers that are IPv4 addresses, on port 53. */
  private static List<InetSocketAddress> dnsServers(Container c) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String d : c.host().dns().servers()) {
      if (d.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        out.add(new InetSocketAddress(InetAddress.ofLiteral(d), 53));
      }
    }
    return out;
  }

  @Override
  public void detach(Container c) {
    server.detach(c.id);
  }

  private Optional<Container> byId(String id) {
    return repo.all().stream().filter(c -> c.id.equals(id)).findFirst();
  }

  /** The user-defined networks (by name) the container is attached to right now. */
  private List<String> userNetworks(Container c) {
    List<String> out = new ArrayList<>();
    if (c.networks == null) {
      return out;
    }
    for (Map.Entry<String, NetworkAttachment> e : c.networks.entrySet()) {
      if (!e.getKey().equals(NetworkRecord.BRIDGE) && endpoint(c, e.getValue()) != null) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** The container's endpoint on a membership's network (the network owns it), or null. */
  private Endpoint endpoint(Container c, NetworkAttachment a) {
    try {
      return networks.network(networks.find(a.networkId())).endpoint(c.id).orElse(null);
    } catch (NotFoundException | InvalidArgumentException e) {
      return null; // the network was removed, or has no driver: no endpoint on it
    }
  }

  @Override
  public Optional<List<Inet4Address>> lookup(String containerId, String name) {
    Container self = byId(containerId).orElse(null);
    if (self == null) {
      return Optional.empty();
    }
    List<Inet4Address> found = new ArrayList<>();
    java.util.Set<String> networkIds = new java.util.HashSet<>();
    if (self.networks != null) {
      self.networks.values().forEach(a -> networkIds.add(a.networkId()));
    }
    for (String ip : services.lookup(networkIds, name)) {
      found.add((Inet4Address) InetAddress.ofLiteral(ip));
    }
    if (!found.isEmpty()) {
      return Optional.of(found);
    }
    for (String net : userNetworks(self)) {
      String wanted = linkTarget(self.networks.get(net), name);
      for (Container c : repo.all()) {
        NetworkAttachment a = c.networks == null ? null : c.networks.get(net);
        if (a == null || !c.state.running() || !answersTo(c, a, net, wanted)) {
          continue;
        }
        Endpoint ep = endpoint(c, a);
        if (ep != null) {
          try {
            Inet4Address ip = (Inet4Address) InetAddress.getByName(ep.ip());
            if (!found.contains(ip)) {
              found.add(ip);
            }
          } catch (IOException e) {
            // an endpoint always holds a literal address
          }
        }
      }
    }
    return found.isEmpty() ? Optional.empty() : Optional.of(found);
  }

  /**
   * The name to look up on a network for {@code name}: the target of the asking container's
   * link there whose alias {@code name} is (the last such link, as in Docker, where an alias
   * names one target), else the name itself.
   */
  private static String linkTarget(NetworkAttachment self, String name) {
    String target = name;
    for (String link : self.links()) {
      int colon = link.lastIndexOf(':');
      if (link.substring(colon + 1).toLowerCase(Locale.ROOT).equals(name)) {
        target = link.substring(0, colon).toLowerCase(Locale.ROOT);
      }
    }
    return target;
  }

  private static boolean answersTo(Container c, NetworkAttachment a, String net, String name) {
    String n = c.name.toLowerCase(Locale.ROOT);
    if (name.equals(n) || name.equals(n + "." + net.toLowerCase(Locale.ROOT)) || name.equals(c.shortId())) {
      return true;
    }
    return a.aliases().stream().anyMatch(al -> al.toLowerCase(Locale.ROOT).equals(name));
  }

  @Override
  public Optional<String> reverse(String containerId, Inet4Address address) {
    Container self = byId(containerId).orElse(null);
    if (self == null) {
      return Optional.empty();
    }
    String ip = address.getHostAddress();
    for (String net : userNetworks(self)) {
      for (Container c : repo.all()) {
        NetworkAttachment a = c.networks == null ? null : c.networks.get(net);
        Endpoint ep = a == null ? null : endpoint(c, a);
        if (ep != null && ep.ip().equals(ip)) {
          return Optional.of(c.name + "." + net);
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean mayForward(String containerId) {
    Container self = byId(containerId).orElse(null);
    if (self == null || self.networks == null) {
      return false;
    }
    for (NetworkAttachment a : self.networks.values()) {
      try {
        if (!networks.find(a.networkId()).internal()) {
          return true;
        }
      } catch (RuntimeException e) {
        // the network is gone
      }
    }
    return false;
  }

  public void close() {
    server.close();
  }
}
