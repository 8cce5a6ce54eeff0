package io.berth.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on unix sockets and TCP (plain or TLS) and serves each on a virtual
 * thread. Blocking I/O on virtual threads keeps hijacked attach/exec streams and multi-gigabyte
 * uploads straightforward (see docs/decisions/0002-http-server.md). What one client may hold
 * (time, idle connections, buffers) is bounded by {@link HttpLimits}.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
  private final HttpHandler handler;
  private final HttpLimits limits;
  private final BufferPool buffers = new BufferPool();
  private final Connections connections;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final List<AutoCloseable> listeners = new ArrayList<>();
  private volatile boolean closed;

  public HttpServer(HttpHandler handler) {
    this(handler, HttpLimits.DEFAULTS);
  }

  public HttpServer(HttpHandler handler, HttpLimits limits) {
    this.handler = handler;
    this.limits = limits;
    this.connections = new Connections(limits);
  }

  /** Connections now waiting for a request (for tests and metrics). */
  public int idleConnections() {
    return connections.idleCount();
  }

  /** I/O buffers held by connections now; none while they all wait for a request (for tests). */
  int buffersLent() {
    return buffers.lent();
  }

  private HttpConnection connection(InputStream in, OutputStream out, java.io.Closeable transport,
      Runnable shutdownOutput) {
    return new HttpConnection(in, out, handler, shutdownOutput, limits, buffers, connections,
        connections.open(transport));
  }

  /** Listens on a unix socket, replacing a stale socket file, with mode 0660. */
  public void listenUnix(Path socket) throws IOException {
    Files.createDirectories(socket.getParent());
    removeStaleSocket(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket), 512);
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
    listeners.add(server);
    Thread.ofPlatform().daemon().name("accept-" + socket).start(() -> acceptUnix(server, socket));
  }

  /**
   * Deletes the socket file a dead server left at {@code socket}; refuses when a server still
   * answers there, since unlinking its socket would cut it off from every new client.
   */
  public static void removeStaleSocket(Path socket) throws IOException {
    if (!Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      throw new io.berth.errdefs.ConflictException("another server is listening on " + socket
          + "; stop it first, or give this one another socket");
    } catch (IOException nobodyAnswers) {
      Files.deleteIfExists(socket);
    }
  }

  /** Listens on TCP; {@code server} is a plain or an SSL server socket already bound. */
  public void listenTcp(ServerSocket server) {
    listeners.add(server);
    Thread.ofPlatform().daemon().name("accept-tcp-" + server.getLocalPort())
        .start(() -> acceptTcp(server));
  }

  private void acceptUnix(ServerSocketChannel server, Path socket) {
    while (!closed) {
      try {
        SocketChannel ch = server.accept();
        threads.submit(() -> {
          try (ch) {
            InputStream in = Channels.newInputStream(ch);
            OutputStream out = Channels.newOutputStream(ch);
            connection(in, out, ch, () -> shutdownOutput(ch)).serve();
          } catch (IOException e) {
            LOG.debug("unix connection: {}", e.toString());
          }
        });
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("accept on {} failed: {}", socket, e.toString());
        }
      }
    }
  }

  private void acceptTcp(ServerSocket server) {
    while (!closed) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        threads.submit(() -> {
          try (s) {
            connection(s.getInputStream(), s.getOutputStream(), s, () -> {
              try {
                if (!(s instanceof javax.net.ssl.SSLSocket)) {
                  s.shutdownOutput();
                }
              } catch (IOException ignored) {
                // already closed
              }
            }).serve();
          } catch (IOException e) {
            LOG.debug("tcp connection: {}", e.toString());
          }
        });
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("accept on tcp {} failed: {}", server.getLocalPort(), e.toString());
        }
      }
    }
  }

  private static void shutdownOutput(SocketChannel ch) {
    try {
      ch.shutdownOutput();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    for (AutoCloseable l : listeners) {
      try {
        l.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
    threads.shutdownNow();
    connections.close();
  }
}
