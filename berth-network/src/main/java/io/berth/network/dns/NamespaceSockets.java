package io.berth.network.dns;

import io.berth.errdefs.UnavailableException;
import io.berth.network.netlink.NetNamespaces;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;

/**
 * Opens sockets inside another network namespace ({@link NetNamespaces#inside}: a platform
 * thread enters it with setns(2), creates and binds the sockets and goes back). A socket
 * belongs to the namespace it was created in for its whole life, so the server can then serve
 * it from any thread. This is how 127.0.0.11 answers inside a container while the server runs
 * in berthd.
 */
final class NamespaceSockets {
  /** A UDP and a TCP socket bound to the same address inside one namespace. */
  record Pair(DatagramChannel udp, ServerSocketChannel tcp) implements AutoCloseable {
    @Override
    public void close() {
      try {
        udp.close();
      } catch (IOException ignored) {
        // closing
      }
      try {
        tcp.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  private NamespaceSockets() {}

  /** Binds UDP and TCP sockets to {@code address} inside the namespace file {@code netns}. */
  static Pair open(Path netns, InetSocketAddress address) throws IOException {
    try {
      return NetNamespaces.inside(netns, () -> openHere(netns, address));
    } catch (UnavailableException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static Pair openHere(Path netns, InetSocketAddress address) throws IOException {
    DatagramChannel udp = null;
    try {
      udp = DatagramChannel.open();
      udp.bind(address);
      ServerSocketChannel tcp = ServerSocketChannel.open();
      try {
        tcp.bind(address, 64);
      } catch (IOException e) {
        tcp.close();
        throw e;
      }
      return new Pair(udp, tcp);
    } catch (IOException e) {
      if (udp != null) {
        udp.close();
      }
      throw new IOException("binding " + address + " in " + netns + ": " + e.getMessage(), e);
    }
  }
}
