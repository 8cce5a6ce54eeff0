package io.berth.network;

import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BridgeNetwork} on a Linux bridge with veth pairs into per-container network
 * namespaces, and nftables for NAT: one table per daemon with a masquerade for outbound traffic,
 * DNAT for published ports on every local address (prerouting for traffic from outside and from
 * containers, output for the host itself, 127.0.0.1 included via route_localnet), and hairpin
 * masquerade so a container reaching a published port gets replies through the NAT. The
 * published-port chain is rebuilt atomically from the in-memory table on every change.
 */
public final class LinuxBridgeNetwork implements BridgeNetwork {
  private static final Logger LOG = LoggerFactory.getLogger(LinuxBridgeNetwork.class);
  private final String bridge;
  private final String table;
  private final Ipam ipam;
  private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
  private final Map<String, List<PortBinding>> published = new LinkedHashMap<>();
  private final SecureRandom random = new SecureRandom();

  private LinuxBridgeNetwork(Path stateDir, String bridge, String gatewayCidr, String table) {
    if (!bridge.matches("[a-zA-Z0-9_.-]{1,15}")) {
      throw new InvalidArgumentException("invalid bridge name " + bridge + " (at most 15 characters)");
    }
    if (!table.matches("[a-zA-Z_][a-zA-Z0-9_]{0,63}")) {
      throw new InvalidArgumentException("invalid nftables table name " + table);
    }
    this.bridge = bridge;
    this.table = table;
    this.ipam = new Ipam(gatewayCidr, stateDir.resolve("ipam-" + bridge));
  }

  public static BridgeNetwork create(Path stateDir, String bridgeName, String gatewayCidr, String nftTable) {
    return new LinuxBridgeNetwork(stateDir, bridgeName, gatewayCidr, nftTable);
  }

  @Override
  public synchronized void init() {
    if (HostCommand.run(List.of("ip", "link", "show", bridge), null).exit() != 0) {
      HostCommand.ip("link add " + bridge + " type bridge\n");
    }
    String addrs = HostCommand.check(List.of("ip", "-4", "addr", "show", "dev", bridge), null);
    if (!addrs.contains(" " + ipam.gateway() + "/" + ipam.prefix())) {
      HostCommand.ip("addr add " + ipam.gateway() + "/" + ipam.prefix() + " dev " + bridge + "\n");
    }
    HostCommand.ip("link set " + bridge + " up\n");
    sysctl("net/ipv4/ip_forward", "1");
    sysctl("net/ipv4/conf/" + bridge + "/route_localnet", "1");
    String subnet = ipam.subnet();
    HostCommand.nft("""
        add table ip %1$s
        add chain ip %1$s prerouting { type nat hook prerouting priority dstnat; policy accept; }
        add chain ip %1$s output { type nat hook output priority -100; policy accept; }
        add chain ip %1$s postrouting { type nat hook postrouting priority srcnat; policy accept; }
        add chain ip %1$s forward { type filter hook forward priority filter; policy accept; }
        add chain ip %1$s publish
        flush chain ip %1$s prerouting
        flush chain ip %1$s output
        flush chain ip %1$s postrouting
        flush chain ip %1$s forward
        add rule ip %1$s prerouting fib daddr type local jump publish
        add rule ip %1$s output fib daddr type local jump publish
        add rule ip %1$s postrouting ip saddr %2$s oifname != "%3$s" masquerade
        add rule ip %1$s postrouting oifname "%3$s" ip saddr 127.0.0.0/8 masquerade
        add rule ip %1$s postrouting oifname "%3$s" ct status dnat ip saddr %2$s masquerade
        add rule ip %1$s forward iifname "%3$s" accept
        add rule ip %1$s forward oifname "%3$s" accept
        """.formatted(table, subnet, bridge));
    allowInForeignForward();
  }

  /**
   * dockerd (iptables-nft) sets the FORWARD policy of {@code ip filter} to DROP; an accept in
   * our own table cannot override a drop in another base chain, so where that chain exists we
   * add accepts for our bridge there, tagged so only ours are ever removed.
   */
  private void allowInForeignForward() {
    HostCommand.Result r = HostCommand.run(List.of("nft", "-a", "list", "chain", "ip", "filter", "FORWARD"), null);
    if (r.exit() != 0 || r.out().contains(comment())) {
      return;
    }
    HostCommand.nft("insert rule ip filter FORWARD iifname \"" + bridge + "\" accept comment \"" + comment() + "\"\n"
        + "insert rule ip filter FORWARD oifname \"" + bridge + "\" accept comment \"" + comment() + "\"\n");
  }

  private String comment() {
    return "berth:" + bridge;
  }

  @Override
  public synchronized void destroy() {
    HostCommand.run(List.of("nft", "delete", "table", "ip", table), null);
    HostCommand.Result r = HostCommand.run(List.of("nft", "-a", "list", "chain", "ip", "filter", "FORWARD"), null);
    if (r.exit() == 0) {
      for (String line : r.out().split("\n")) {
        if (line.contains("\"" + comment() + "\"") && line.contains("# handle ")) {
          String handle = line.substring(line.lastIndexOf("# handle ") + 9).trim();
          HostCommand.run(List.of("nft", "delete", "rule", "ip", "filter", "FORWARD", "handle", handle), null);
        }
      }
    }
    HostCommand.run(List.of("ip", "link", "del", bridge), null);
  }

  private static void sysctl(String key, String value) {
    try {
      Files.writeString(Path.of("/proc/sys", key), value);
    } catch (IOException e) {
      throw new UnavailableException("cannot set sysctl " + key.replace('/', '.') + "=" + value + ": " + e.getMessage());
    }
  }

  private String netnsName(String id) {
    return "berth-" + bridge + "-" + id.substring(0, 12);
  }

  @Override
  public synchronized Endpoint connect(String containerId, String requestedIp) {
    String ns = netnsName(containerId);
    String hostVeth = "vb" + containerId.substring(0, 12);
    String peer = "vp" + containerId.substring(0, 12);
    String ip = ipam.allocate(containerId, requestedIp);
    String mac = mac(ip);
    try {
      HostCommand.run(List.of("ip", "netns", "del", ns), null);
      HostCommand.run(List.of("ip", "link", "del", hostVeth), null);
      HostCommand.ip("netns add " + ns + "\n"
          + "link add " + hostVeth + " type veth peer name " + peer + "\n"
          + "link set " + peer + " netns " + ns + "\n"
          + "link set " + hostVeth + " master " + bridge + "\n"
          + "link set " + hostVeth + " up\n");
      HostCommand.ipIn(ns, "link set lo up\n"
          + "link set " + peer + " name eth0\n"
          + "link set eth0 address " + mac + "\n"
          + "addr add " + ip + "/" + ipam.prefix() + " dev eth0\n"
          + "link set eth0 up\n"
          + "route add default via " + ipam.gateway() + "\n");
    } catch (RuntimeException e) {
      HostCommand.run(List.of("ip", "link", "del", hostVeth), null);
      HostCommand.run(List.of("ip", "netns", "del", ns), null);
      ipam.release(containerId);
      throw e;
    }
    Endpoint ep = new Endpoint(containerId, "/run/netns/" + ns, ip, ipam.prefix(), ipam.gateway(), mac, hostVeth);
    endpoints.put(containerId, ep);
    return ep;
  }

  static String mac(String ip) {
    int v = Ipam.toInt(ip);
    return String.format("02:42:%02x:%02x:%02x:%02x", (v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }

  @Override
  public synchronized void restore(Endpoint endpoint, List<PortBinding> ports) {
    ipam.reserve(endpoint.containerId(), endpoint.ip());
    endpoints.put(endpoint.containerId(), endpoint);
    if (ports != null && !ports.isEmpty()) {
      published.put(endpoint.containerId(), new ArrayList<>(ports));
    }
    syncPorts();
  }

  @Override
  public synchronized void disconnect(String containerId) {
    Endpoint ep = endpoints.remove(containerId);
    if (published.remove(containerId) != null) {
      syncPorts();
    }
    String ns = netnsName(containerId);
    HostCommand.run(List.of("ip", "link", "del", ep != null ? ep.hostVeth() : "vb" + containerId.substring(0, 12)), null);
    HostCommand.run(List.of("ip", "netns", "del", ns), null);
    ipam.release(containerId);
  }

  @Override
  public synchronized List<PortBinding> publish(Endpoint endpoint, List<PortBinding> requested) {
    List<PortBinding> out = new ArrayList<>();
    for (PortBinding r : requested) {
      if (!List.of("tcp", "udp").contains(r.protocol())) {
        throw new InvalidArgumentException("publishing " + r.protocol() + " ports is not supported");
      }
      int port = r.hostPort() == 0 ? freePort(r.hostIp(), r.protocol(), out) : r.hostPort();
      if (r.hostPort() != 0) {
        checkFree(r.hostIp(), port, r.protocol(), out);
      }
      out.add(new PortBinding(r.hostIp(), port, r.containerPort(), r.protocol()));
    }
    if (!out.isEmpty()) {
      published.put(endpoint.containerId(), out);
      syncPorts();
    }
    return out;
  }

  private void checkFree(String hostIp, int port, String proto, List<PortBinding> pending) {
    String shown = (hostIp.isEmpty() ? "0.0.0.0" : hostIp) + ":" + port;
    boolean ours = pending.stream().anyMatch(p -> p.hostPort() == port && p.protocol().equals(proto))
        || published.values().stream().flatMap(List::stream)
            .anyMatch(p -> p.hostPort() == port && p.protocol().equals(proto)
                && (p.hostIp().isEmpty() || hostIp.isEmpty() || p.hostIp().equals(hostIp)));
    if (ours || !bindable(hostIp, port, proto)) {
      throw new ConflictException("Bind for " + shown + " failed: port is already allocated");
    }
  }

  private static boolean bindable(String hostIp, int port, String proto) {
    try {
      InetAddress addr = hostIp.isEmpty() ? InetAddress.getByName("0.0.0.0") : InetAddress.getByName(hostIp);
      if (proto.equals("udp")) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(addr, port))) {
          return true;
        }
      }
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(addr, port));
        return true;
      }
    } catch (IOException e) {
      return false;
    }
  }

  private int freePort(String hostIp, String proto, List<PortBinding> pending) {
    int lo = 32768;
    int hi = 60999;
    try {
      String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      lo = Integer.parseInt(range[0]);
      hi = Integer.parseInt(range[1]);
    } catch (IOException | RuntimeException ignored) {
      // defaults
    }
    for (int i = 0; i < 200; i++) {
      int port = lo + random.nextInt(hi - lo + 1);
      try {
        checkFree(hostIp, port, proto, pending);
        return port;
      } catch (ConflictException e) {
        // try another
      }
    }
    throw new UnavailableException("no free host port found in " + lo + "-" + hi);
  }

  /** Rebuilds the publish chain from the table in one nft transaction. */
  private void syncPorts() {
    StringBuilder sb = new StringBuilder("flush chain ip " + table + " publish\n");
    published.forEach((id, ports) -> {
      Endpoint ep = endpoints.get(id);
      if (ep == null) {
        return;
      }
      for (PortBinding p : ports) {
        sb.append("add rule ip ").append(table).append(" publish ");
        if (!p.hostIp().isEmpty() && !p.hostIp().equals("0.0.0.0")) {
          sb.append("ip daddr ").append(p.hostIp()).append(' ');
        }
        sb.append(p.protocol()).append(" dport ").append(p.hostPort()).append(" dnat to ")
            .append(ep.ip()).append(':').append(p.containerPort())
            .append(" comment \"").append(id, 0, 12).append("\"\n");
      }
    });
    HostCommand.nft(sb.toString());
    LOG.debug("published ports now: {}", published);
  }

  @Override
  public String subnet() {
    return ipam.subnet();
  }

  @Override
  public String gateway() {
    return ipam.gateway();
  }

  @Override
  public String bridgeName() {
    return bridge;
  }
}
