package io.berth.network.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The host's resolvers, which get every name that is not a container's. Queries are relayed
 * as they came (same id) from the host's namespace, so loopback resolvers such as
 * systemd-resolved's 127.0.0.53 work too.
 */
final class Upstreams {
  private static final int TIMEOUT_MS = 2500;
  private final List<InetSocketAddress> servers;

  Upstreams(List<InetSocketAddress> servers) {
    this.servers = List.copyOf(servers);
  }

  /** The nameservers of a resolv.conf; systemd's stub is replaced by the servers behind it. */
  static Upstreams fromResolvConf(Path file) {
    List<InetSocketAddress> out = read(file);
    Path real = Path.of("/run/systemd/resolve/resolv.conf");
    if (!out.isEmpty() && out.stream().allMatch(a -> a.getAddress().getHostAddress().equals("127.0.0.53"))
        && Files.isReadable(real)) {
      List<InetSocketAddress> behind = read(real);
      if (!behind.isEmpty()) {
        out = behind;
      }
    }
    return new Upstreams(out);
  }

  private static List<InetSocketAddress> read(Path file) {
    List<InetSocketAddress> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 2 && f[0].equals("nameserver") && f[1].matches("[0-9.]+")) {
          out.add(new InetSocketAddress(InetAddress.getByName(f[1]), 53));
        }
      }
    } catch (IOException e) {
      // no resolv.conf: nothing to forward to
    }
    return out;
  }

  boolean isEmpty() {
    return servers.isEmpty();
  }

  /** The first upstream answer to a UDP query, or null when none answered in time. */
  byte[] udp(byte[] query, int len) {
    for (InetSocketAddress s : servers) {
      try (DatagramSocket sock = new DatagramSocket()) {
        sock.setSoTimeout(TIMEOUT_MS);
        sock.connect(s);
        sock.send(new DatagramPacket(query, len));
        byte[] buf = new byte[4096];
        while (true) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          sock.receive(p);
          if (p.getLength() >= 2 && buf[0] == query[0] && buf[1] == query[1]) {
            return Arrays.copyOf(buf, p.getLength());
          }
        }
      } catch (SocketTimeoutException e) {
        // next server
      } catch (IOException e) {
        // unreachable: next server
      }
    }
    return null;
  }

  /** The first upstream answer to a TCP query (without the length prefix), or null. */
  byte[] tcp(byte[] query) {
    for (InetSocketAddress s : servers) {
      try (Socket sock = new Socket()) {
        sock.connect(s, TIMEOUT_MS);
        sock.setSoTimeout(TIMEOUT_MS);
        DataOutputStream out = new DataOutputStream(sock.getOutputStream());
        out.writeShort(query.length);
        out.write(query);
        out.flush();
        DataInputStream in = new DataInputStream(sock.getInputStream());
        byte[] reply = new byte[in.readUnsignedShort()];
        in.readFully(reply);
        return reply;
      } catch (IOException e) {
        // next server
      }
    }
    return null;
  }
}
