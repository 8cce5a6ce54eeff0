package io.berth.http;

import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A TCP listener of its own that answers {@code GET /metrics} with a scrape and every other path
 * with 404, as dockerd's {@code --metrics-addr} does. It is separate from the API socket on
 * purpose: a scraper must never be able to reach the Engine API. The scrape itself comes from
 * the caller (the daemon's or the registry's meter registry), so this module stays free of any
 * metrics library.
 */
public final class MetricsListener implements AutoCloseable {
  /** Prometheus' text exposition format 0.0.4, what Micrometer's Prometheus registry writes. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer http;
  private final ServerSocket socket;

  private MetricsListener(HttpServer http, ServerSocket socket) {
    this.http = http;
    this.socket = socket;
  }

  /**
   * Checks a {@code HOST:PORT} address (IPv6 in brackets) before anything starts, naming the
   * option it came from in the error.
   */
  public static InetSocketAddress parse(String addr, String option) {
    int colon = addr == null ? -1 : addr.lastIndexOf(':');
    if (colon <= 0 || colon == addr.length() - 1) {
      throw new InvalidArgumentException("invalid " + option + " " + addr
          + ": expected HOST:PORT, e.g. 127.0.0.1:9323");
    }
    String host = addr.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(addr.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new InvalidArgumentException("invalid " + option + " " + addr
          + ": the port must be a number from 0 to 65535");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new InvalidArgumentException("invalid " + option + " " + addr + ": unknown host " + host);
    }
  }

  /** Binds {@code addr} and serves {@code scrape()} (of media type {@code contentType}) at /metrics. */
  public static MetricsListener start(String addr, String option, Supplier<String> scrape, String contentType)
      throws IOException {
    InetSocketAddress where = parse(addr, option);
    HttpServer http = new HttpServer((q, s) -> {
      if (!q.path().equals("/metrics")) {
        s.send(404, "text/plain; charset=utf-8", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
      } else if (!q.method().equals("GET") && !q.method().equals("HEAD")) {
        s.header("Allow", "GET, HEAD");
        s.send(405, "text/plain; charset=utf-8", "405 method not allowed\n".getBytes(StandardCharsets.UTF_8));
      } else {
        s.send(200, contentType, scrape.get().getBytes(StandardCharsets.UTF_8));
      }
    });
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(where, 64);
    } catch (IOException e) {
      socket.close();
      http.close();
      throw new IOException("cannot listen on " + option + " " + addr + ": " + e.getMessage(), e);
    }
    http.listenTcp(socket);
    return new MetricsListener(http, socket);
  }

  public int port() {
    return socket.getLocalPort();
  }

  @Override
  public void close() {
    http.close();
  }
}
