package io.berth.registry;

import io.berth.http.HttpHandler;
import io.berth.http.HttpServer;
import io.berth.http.TlsContexts;
import io.berth.registry.auth.Authorizer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

/**
 * A running registry: the shared HTTP server listening on one TCP address (TLS when the config
 * has a certificate) and serving {@link RegistryHandler}. Used by {@code berth registry serve}
 * and, optionally, inside berthd.
 */
public final class RegistryServer implements AutoCloseable {
  private final HttpServer http;
  private final ServerSocket socket;
  private final RegistryStorage storage;

  private RegistryServer(HttpServer http, ServerSocket socket, RegistryStorage storage) {
    this.http = http;
    this.socket = socket;
    this.storage = storage;
  }

  public static RegistryServer start(RegistryConfig config, Authorizer authorizer, Map<String, HttpHandler> extra)
      throws IOException {
    return start(config, authorizer, extra, null);
  }

  /** {@code meters}: where the registry's series go (berthd's registry, or the serve command's), or null. */
  public static RegistryServer start(RegistryConfig config, Authorizer authorizer, Map<String, HttpHandler> extra,
      io.micrometer.core.instrument.MeterRegistry meters) throws IOException {
    RegistryStorage storage = new RegistryStorage(config.storage());
    RegistryMetrics metrics = meters == null ? null : new RegistryMetrics(meters, storage.uploads());
    HttpServer http = new HttpServer(new RegistryHandler(storage, authorizer, extra, config.maxManifestBytes(),
        metrics));
    ServerSocket socket;
    if (config.tls()) {
      socket = TlsContexts.server(config.tlsCert(), config.tlsKey(), null).getServerSocketFactory()
          .createServerSocket();
    } else {
      socket = new ServerSocket();
    }
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(config.host(), config.port()), 512);
    http.listenTcp(socket);
    return new RegistryServer(http, socket, storage);
  }

  public int port() {
    return socket.getLocalPort();
  }

  public RegistryStorage storage() {
    return storage;
  }

  @Override
  public void close() {
    http.close();
  }
}
