package io.berth.daemon.dashboard;

import io.berth.http.HttpServer;
import io.berth.http.TlsContexts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's own listener: a TCP address apart from the Engine API's sockets (a browser must
 * never be able to reach the API, which is root on the host), plain on loopback, TLS elsewhere
 * ({@link DashboardSettings} refuses anything else before the daemon starts).
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
  private final HttpServer server;
  private final int port;

  private DashboardServer(HttpServer server, int port) {
    this.server = server;
    this.port = port;
  }

  public static DashboardServer start(DashboardSettings settings, TokenStore tokens, DashboardSources sources)
      throws IOException {
    Sessions sessions = new Sessions(tokens, sources.clock());
    Authenticator auth = new Authenticator(tokens, sessions);
    DashboardHandler handler = new DashboardHandler(tokens, sessions, auth,
        DashboardApi.routes(sources, auth, EventFeed.PING), new StaticAssets(), settings.tls());
    ServerSocket socket = settings.tls()
        ? TlsContexts.server(settings.tlsCert(), settings.tlsKey(), null).getServerSocketFactory().createServerSocket()
        : new ServerSocket();
    socket.setReuseAddress(true);
    try {
      socket.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()), 128);
    } catch (IOException e) {
      socket.close();
      throw new IOException("cannot serve the dashboard on " + settings.address() + ": " + e.getMessage(), e);
    }
    HttpServer server = new HttpServer(handler);
    server.listenTcp(socket);
    LOG.info("dashboard listening on {}://{}", settings.tls() ? "https" : "http", settings.address());
    return new DashboardServer(server, socket.getLocalPort());
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    server.close();
  }
}
