package io.berth.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.http.BoundedInputStream;
import io.berth.http.ChunkedInputStream;
import io.berth.http.ChunkedOutputStream;
import io.berth.http.HttpLine;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A small HTTP/1.1 client for the Engine API over a unix socket or TCP: one connection per
 * request (the CLI makes few), JSON bodies, chunked responses read as streams, and connection
 * hijacking for attach and exec. Kept tiny on purpose: the CLI's start-up time is a feature.
 */
public final class ApiClient {
  public static final String VERSION = "v1.47";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Longest status or header line accepted from the daemon. */
  private static final int MAX_LINE = 65536;
  private final DockerHost host;
  private javax.net.ssl.SSLContext ssl;

  public ApiClient(DockerHost host) {
    this.host = host;
  }

  /** A plain (no TLS) client for an address in any form {@link DockerHost#normalize} accepts. */
  public ApiClient(String host) {
    this(new DockerHost(DockerHost.normalize(host, false), null));
  }

  public String host() {
    return host.uri();
  }

  /** A response: status, lower-cased headers and the (de-chunked) body stream. */
  public record Response(int status, Map<String, String> headers, InputStream body, Connection conn)
      implements AutoCloseable {
    public byte[] bytes() throws IOException {
      return body.readAllBytes();
    }

    public JsonNode json() throws IOException {
      byte[] b = bytes();
      return b.length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(b);
    }

    /**
     * Reads a JSON message stream (events, pull, push, import, load, build: one object a line),
     * handing each object over as it arrives, until the stream ends or the handler answers false.
     */
    public void eachJsonLine(MessageHandler handler) throws IOException {
      BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank() && !handler.accept(MAPPER.readTree(line))) {
          return;
        }
      }
    }

    /** The whole JSON message stream, read to its end. */
    public List<JsonNode> jsonLines() throws IOException {
      List<JsonNode> out = new ArrayList<>();
      eachJsonLine(out::add);
      return out;
    }

    @Override
    public void close() {
      conn.close();
    }
  }

  /** Takes one object of a JSON message stream; false stops reading. */
  @FunctionalInterface
  public interface MessageHandler {
    boolean accept(JsonNode message) throws IOException;
  }

  /** The raw streams of a connection, for hijacked exchanges. */
  public record Connection(InputStream in, OutputStream out, Runnable shutdownOutput, AutoCloseable closer) {
    public void close() {
      try {
        closer.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
  }

  public static String query(Map<String, ?> params) {
    StringBuilder sb = new StringBuilder();
    params.forEach((k, v) -> {
      if (v == null) {
        return;
      }
      List<?> values = v instanceof List<?> l ? l : List.of(v);
      for (Object o : values) {
        sb.append(sb.isEmpty() ? "?" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
            .append(URLEncoder.encode(String.valueOf(o), StandardCharsets.UTF_8));
      }
    });
    return sb.toString();
  }

  public Response get(String path) throws IOException {
    return send("GET", path, null, null, Map.of());
  }

  public Response post(String path, Object json) throws IOException {
    if (json == null) {
      return send("POST", path, null, null, Map.of());
    }
    Response r = exchange("POST", path, MAPPER.writeValueAsBytes(json), null, "application/json", Map.of());
    return checked(r);
  }

  /** A JSON POST with extra headers ({@code X-Registry-Auth} for service create and update). */
  public Response post(String path, Object json, Map<String, String> extra) throws IOException {
    return checked(exchange("POST", path, MAPPER.writeValueAsBytes(json), null, "application/json", extra));
  }

  public Response delete(String path) throws IOException {
    return send("DELETE", path, null, null, Map.of());
  }

  /** Sends a request; a body stream is sent chunked. Errors (>= 400) become ApiException. */
  public Response send(String method, String path, InputStream body, String contentType,
      Map<String, String> extra) throws IOException {
    return checked(exchange(method, path, null, body, contentType, extra));
  }

  private static Response checked(Response r) throws IOException {
    if (r.status() >= 400) {
      String msg;
      try (r) {
        byte[] b = r.bytes();
        JsonNode n;
        try {
          n = MAPPER.readTree(b);
          msg = n.path("message").asText(new String(b, StandardCharsets.UTF_8));
        } catch (IOException e) {
          msg = new String(b, StandardCharsets.UTF_8).trim();
        }
      }
      throw new ApiException(r.status(), msg);
    }
    return r;
  }

  /** POSTs with {@code Upgrade: tcp}; after the 101/200 the connection's raw streams are returned. */
  public Connection hijack(String path, Object json) throws IOException {
    byte[] body = json == null ? new byte[0] : MAPPER.writeValueAsBytes(json);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Connection", "Upgrade");
    h.put("Upgrade", "tcp");
    return checked(exchange("POST", path, body, null, "application/json", h)).conn();
  }

  /** One request on a fresh connection: {@code fixed} is sent with Content-Length, {@code body} chunked. */
  private Response exchange(String method, String path, byte[] fixed, InputStream body, String contentType,
      Map<String, String> extra) throws IOException {
    Connection c = connect();
    try {
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append('/').append(VERSION).append(path).append(" HTTP/1.1\r\n");
      head.append("Host: api.moby.localhost\r\nUser-Agent: Berth-Client/0.1.0\r\n");
      extra.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      if (fixed != null) {
        head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(fixed.length)
            .append("\r\n");
      } else if (body != null) {
        head.append("Content-Type: ").append(contentType).append("\r\nTransfer-Encoding: chunked\r\n");
      }
      head.append("\r\n");
      OutputStream out = c.out();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (fixed != null) {
        out.write(fixed);
      } else if (body != null) {
        ChunkedOutputStream chunked = new ChunkedOutputStream(out);
        byte[] buf = new byte[256 * 1024];
        int n;
        while ((n = body.read(buf)) > 0) {
          chunked.write(buf, 0, n);
        }
        chunked.close();
      }
      out.flush();
      InputStream in = c.in();
      String status;
      Map<String, String> headers = new LinkedHashMap<>();
      try {
        status = HttpLine.read(in, MAX_LINE);
        String l;
        while (!(l = HttpLine.read(in, MAX_LINE)).isEmpty()) {
          int colon = l.indexOf(':');
          if (colon > 0) {
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
          }
        }
      } catch (HttpLine.Eof e) {
        throw new IOException("daemon closed the connection", e);
      }
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        throw new IOException("malformed response from daemon: " + status);
      }
      int code = Integer.parseInt(parts[1]);
      InputStream bodyIn;
      if (code == 101 || code == 204 || code == 304 || method.equals("HEAD")) {
        bodyIn = code == 101 ? in : InputStream.nullInputStream();
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        bodyIn = new ChunkedInputStream(in);
      } else if (headers.containsKey("content-length")) {
        bodyIn = new BoundedInputStream(in, Long.parseLong(headers.get("content-length")));
      } else {
        bodyIn = in;
      }
      return new Response(code, headers, bodyIn, new Connection(in, out, c.shutdownOutput(), c.closer()));
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private Connection connect() throws IOException {
    if (host.isUnix()) {
      SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        ch.connect(UnixDomainSocketAddress.of(host.socketPath()));
      } catch (IOException e) {
        ch.close();
        throw new DaemonUnreachableException(host.uri(), e);
      }
      return new Connection(new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024),
          Channels.newOutputStream(ch), () -> {
            try {
              ch.shutdownOutput();
            } catch (IOException ignored) {
              // already closed: nothing left to half-close
            }
          }, ch);
    }
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(host.tcpHost(), host.tcpPort()), 10_000);
    } catch (IOException e) {
      s.close();
      throw new DaemonUnreachableException(host.uri(), e);
    }
    s.setTcpNoDelay(true);
    Socket conn = s;
    if (host.tls() != null) {
      conn = tls(s);
    }
    Socket fin = conn;
    return new Connection(new BufferedInputStream(conn.getInputStream(), 64 * 1024), conn.getOutputStream(), () -> {
      try {
        if (fin instanceof SSLSocket ssl && !"TLSv1.3".equals(ssl.getSession().getProtocol())) {
          // before TLS 1.3 a close_notify ends both directions: keep writing side open to get the reply
          return;
        }
        fin.shutdownOutput();
      } catch (IOException ignored) {
        // already closed
      }
    }, conn);
  }

  private Socket tls(Socket plain) throws IOException {
    if (ssl == null) {
      ssl = host.tls().context();
    }
    SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket(plain, host.tcpHost(), host.tcpPort(), true);
    if (host.tls().verify()) {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
    }
    try {
      s.startHandshake();
    } catch (IOException e) {
      s.close();
      throw new IOException("TLS handshake with " + host.uri() + " failed: " + e.getMessage(), e);
    }
    return s;
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
