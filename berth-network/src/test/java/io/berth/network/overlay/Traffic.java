package io.berth.network.overlay;

import io.berth.network.netlink.NetNamespaces;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real sockets in the test's namespaces: a socket belongs to the namespace it was created in, so
 * servers and clients are made on a thread inside the container's namespace and used anywhere.
 * A server answers each TCP connection (and each UDP datagram) with {@code <name> <client
 * address>} and then echoes lines, so a test sees which backend answered and whom it saw.
 * Every wait is bounded (3 s per socket operation).
 */
final class Traffic implements Closeable {
  static final int TIMEOUT_MS = 3000;
  private final List<Closeable> open = new CopyOnWriteArrayList<>();

  /** A TCP server on {@code port} in the namespace. */
  void tcpServer(Path netns, int port, String name) {
    ServerSocket server = NetNamespaces.inside(netns, () -> {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(port));
      return s;
    });
    open.add(server);
    Thread.ofPlatform().daemon().start(() -> {
      while (!server.isClosed()) {
        try {
          Socket c = server.accept();
          open.add(c);
          Thread.ofPlatform().daemon().start(() -> serve(c, name));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  private static void serve(Socket c, String name) {
    try (c) {
      OutputStream out = c.getOutputStream();
      out.write((name + " " + c.getInetAddress().getHostAddress() + "\n").getBytes(StandardCharsets.UTF_8));
      BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        out.write(("echo " + line + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /** A UDP server on {@code port} in the namespace. */
  void udpServer(Path netns, int port, String name) {
    DatagramSocket server = NetNamespaces.inside(netns, () -> new DatagramSocket(new InetSocketAddress(port)));
    open.add(server);
    Thread.ofPlatform().daemon().start(() -> {
      byte[] buf = new byte[512];
      while (!server.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          server.receive(p);
          byte[] answer = (name + " " + p.getAddress().getHostAddress()).getBytes(StandardCharsets.UTF_8);
          server.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  /** The first line a TCP server at ip:port answers a client in {@code netns}, or the failure as {@code ERROR ...}. */
  static String ask(Path netns, String ip, int port) {
    return NetNamespaces.inside(netns, () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getByName(ip), port), TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
      } catch (IOException e) {
        return "ERROR " + e.getMessage();
      }
    });
  }

  /** A UDP exchange from {@code netns}: the answer, or {@code ERROR ...}. */
  static String askUdp(Path netns, String ip, int port) {
    return NetNamespaces.inside(netns, () -> {
      try (DatagramSocket s = new DatagramSocket()) {
        s.setSoTimeout(TIMEOUT_MS);
        byte[] q = "hi".getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(q, q.length, InetAddress.getByName(ip), port));
        byte[] buf = new byte[512];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "ERROR " + e.getMessage();
      }
    });
  }

  /** A TCP connection from {@code netns} kept open: its first line read, for echo exchanges later. */
  Conversation connect(Path netns, String ip, int port) {
    Socket s = NetNamespaces.inside(netns, () -> {
      Socket c = new Socket();
      c.connect(new InetSocketAddress(InetAddress.getByName(ip), port), TIMEOUT_MS);
      c.setSoTimeout(TIMEOUT_MS);
      return c;
    });
    open.add(s);
    return new Conversation(s);
  }

  /** One open connection to a {@link #tcpServer}. */
  static final class Conversation {
    private final Socket socket;
    private final BufferedReader in;
    final String greeting;

    Conversation(Socket socket) {
      this.socket = socket;
      try {
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        greeting = in.readLine();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Closes the connection (the server then closes its side). */
    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closed anyway
      }
    }

    /** Sends a line and returns the echo, or {@code ERROR ...}. */
    String say(String line) {
      try {
        socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        return in.readLine();
      } catch (IOException e) {
        return "ERROR " + e.getMessage();
      }
    }
  }

  /** True when one ping from {@code netns} to ip is answered within 2 s. */
  static boolean ping(Path netns, String ip) {
    return FakeNodes.status("nsenter", "--net=" + netns, "busybox", "ping", "-c", "1", "-W", "2", ip) == 0;
  }

  @Override
  public void close() {
    for (Closeable c : open) {
      try {
        c.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
