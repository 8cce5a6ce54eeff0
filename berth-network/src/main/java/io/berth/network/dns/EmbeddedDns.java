package io.berth.network.dns;

import io.berth.network.dns.DnsMessage.DnsFormatException;
import io.berth.network.dns.DnsMessage.Query;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker's embedded DNS server for user-defined networks: every attached container gets UDP and
 * TCP sockets on 127.0.0.11 inside its own network namespace, reached at port 53 through a NAT
 * redirect there (so port 53 stays the container's own), answered here from what the
 * daemon knows ({@link NameResolver}): container names, aliases and service names of the
 * networks it shares, in random order when several containers answer to one name. Other names go
 * to the host's resolvers. Because each container has its own sockets, the server always knows
 * who asks, without trusting source addresses.
 */
public final class EmbeddedDns implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDns.class);
  static final InetSocketAddress ADDRESS = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.11"), 53);
  private final NameResolver resolver;
  private final Upstreams upstreams;
  private final Map<String, NamespaceSockets.Pair> attached = new ConcurrentHashMap<>();
  /** Containers started with --dns: their names go to those servers instead of the host's. */
  private final Map<String, Upstreams> own = new ConcurrentHashMap<>();

  /** @param hostResolvConf where the upstream resolvers are read from (the host's /etc/resolv.conf) */
  public EmbeddedDns(NameResolver resolver, Path hostResolvConf) {
    this(resolver, Upstreams.fromResolvConf(hostResolvConf));
  }

  EmbeddedDns(NameResolver resolver, Upstreams upstreams) {
    this.resolver = resolver;
    this.upstreams = upstreams;
  }

  /**
   * Serves 127.0.0.11:53 inside the container's namespace (sockets on ephemeral ports of
   * 127.0.0.11 there, {@link DnsRedirect}); idempotent.
   */
  public void attach(String containerId, Path netnsPath) throws IOException {
    attach(containerId, netnsPath, List.of());
  }

  /**
   * As {@link #attach(String, Path)}, forwarding the names that are not containers' to
   * {@code servers} when there are any (a container's {@code --dns}, as Docker does on
   * user-defined networks) rather than to the host's resolvers.
   */
  public void attach(String containerId, Path netnsPath, List<InetSocketAddress> servers) throws IOException {
    synchronized (attached) {
      if (attached.containsKey(containerId)) {
        return;
      }
      if (!servers.isEmpty()) {
        own.put(containerId, new Upstreams(servers));
      }
      NamespaceSockets.Pair p = NamespaceSockets.open(netnsPath, new InetSocketAddress(ADDRESS.getAddress(), 0));
      try {
        DnsRedirect.apply(netnsPath, port(p.udp().getLocalAddress()), port(p.tcp().getLocalAddress()));
      } catch (RuntimeException e) {
        p.close();
        own.remove(containerId);
        throw new IOException("redirecting " + ADDRESS + " in " + netnsPath + " to the embedded DNS server: "
            + e.getMessage(), e);
      }
      attached.put(containerId, p);
      Thread.ofVirtual().name("dns-udp-" + containerId.substring(0, Math.min(12, containerId.length())))
          .start(() -> serveUdp(containerId, p));
      Thread.ofVirtual().name("dns-tcp-" + containerId.substring(0, Math.min(12, containerId.length())))
          .start(() -> serveTcp(containerId, p));
    }
  }

  private static int port(java.net.SocketAddress bound) {
    return ((InetSocketAddress) bound).getPort();
  }

  /** Closes the container's sockets (before its namespace goes away); idempotent. */
  public void detach(String containerId) {
    NamespaceSockets.Pair p = attached.remove(containerId);
    own.remove(containerId);
    if (p != null) {
      p.close();
    }
  }

  public boolean attached(String containerId) {
    return attached.containsKey(containerId);
  }

  @Override
  public void close() {
    List.copyOf(attached.keySet()).forEach(this::detach);
  }

  private void serveUdp(String containerId, NamespaceSockets.Pair p) {
    ByteBuffer buf = ByteBuffer.allocate(4096);
    while (p.udp().isOpen()) {
      try {
        buf.clear();
        SocketAddress from = p.udp().receive(buf);
        byte[] query = Arrays.copyOf(buf.array(), buf.position());
        Thread.ofVirtual().start(() -> {
          byte[] reply = answer(containerId, query, query.length, true);
          if (reply != null) {
            try {
              p.udp().send(ByteBuffer.wrap(reply), from);
            } catch (IOException e) {
              LOG.debug("dns reply to {}: {}", containerId, e.toString());
            }
          }
        });
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.debug("dns udp of {}: {}", containerId, e.toString());
      }
    }
  }

  private void serveTcp(String containerId, NamespaceSockets.Pair p) {
    while (p.tcp().isOpen()) {
      try {
        SocketChannel conn = p.tcp().accept();
        Thread.ofVirtual().start(() -> serveConnection(containerId, conn));
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.debug("dns tcp of {}: {}", containerId, e.toString());
      }
    }
  }

  private void serveConnection(String containerId, SocketChannel conn) {
    try (conn) {
      conn.socket().setSoTimeout(10_000);
      DataInputStream in = new DataInputStream(conn.socket().getInputStream());
      DataOutputStream out = new DataOutputStream(Channels.newOutputStream(conn));
      while (true) {
        byte[] query = new byte[in.readUnsignedShort()];
        in.readFully(query);
        byte[] reply = answer(containerId, query, query.length, false);
        if (reply == null) {
          return;
        }
        out.writeShort(reply.length);
        out.write(reply);
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      // the client closed or sent garbage: the connection ends
    }
  }

  /** The reply to one query, or null to stay silent. */
  byte[] answer(String containerId, byte[] query, int len, boolean udp) {
    Query q;
    try {
      q = DnsMessage.parseQuery(query, len);
    } catch (DnsFormatException e) {
      return len >= 3 && (query[2] & 0x80) == 0 ? DnsMessage.formatError(query, len) : null;
    }
    if (DnsMessage.opcode(q) != 0) {
      return DnsMessage.error(query, q, DnsMessage.RCODE_NOTIMP);
    }
    if (q.qclass() == 1 && q.type() == DnsMessage.TYPE_PTR) {
      Optional<String> name = reverse(containerId, q.name());
      if (name.isPresent()) {
        return DnsMessage.answerPtr(query, q, name.get());
      }
    } else if (q.qclass() == 1) {
      Optional<List<Inet4Address>> found = resolver.lookup(containerId, q.name());
      if (found.isPresent()) {
        if (q.type() != DnsMessage.TYPE_A) {
          return DnsMessage.answerA(query, q, List.of(), udp); // ours, but only IPv4
        }
        return DnsMessage.answerA(query, q, rotate(found.get()), udp);
      }
    }
    Upstreams up = own.getOrDefault(containerId, upstreams);
    if (!resolver.mayForward(containerId) || up.isEmpty()) {
      return DnsMessage.error(query, q, resolver.mayForward(containerId) ? DnsMessage.RCODE_SERVFAIL
          : DnsMessage.RCODE_REFUSED);
    }
    byte[] reply = udp ? up.udp(query, len) : up.tcp(Arrays.copyOf(query, len));
    return reply != null ? reply : DnsMessage.error(query, q, DnsMessage.RCODE_SERVFAIL);
  }

  private Optional<String> reverse(String containerId, String name) {
    String suffix = ".in-addr.arpa";
    if (!name.endsWith(suffix)) {
      return Optional.empty();
    }
    String[] p = name.substring(0, name.length() - suffix.length()).split("\\.");
    if (p.length != 4) {
      return Optional.empty();
    }
    try {
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        int v = Integer.parseInt(p[3 - i]);
        if (v < 0 || v > 255) {
          return Optional.empty();
        }
        b[i] = (byte) v;
      }
      return resolver.reverse(containerId, (Inet4Address) InetAddress.getByAddress(b));
    } catch (NumberFormatException | IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Several containers behind one name come back in a random order each time, as Docker's
   * resolver does: clients that take the first address then spread over all of them.
   */
  private static List<Inet4Address> rotate(List<Inet4Address> in) {
    if (in.size() < 2) {
      return in;
    }
    List<Inet4Address> out = new ArrayList<>(in);
    java.util.Collections.shuffle(out, java.util.concurrent.ThreadLocalRandom.current());
    return out;
  }
}
