package io.berth.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one client connection on its own virtual thread: parses requests one after another
 * (keep-alive), hands each to the handler, and drains what the handler left of the body so the
 * next request starts at the right byte. {@link HttpLimits} bound what a client can hold: line
 * and header sizes, the time to send a request's headers, a keep-alive wait, a stalled body; and
 * while the connection waits for a request it holds no I/O buffer.
 */
final class HttpConnection {
  private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

  private final ConnectionInput in;
  private final ConnectionOutput out;
  private final HttpHandler handler;
  private final Runnable shutdownOutput;
  private final HttpLimits limits;
  private final Connections connections;
  private final Connections.Watch watch;
  private final long opened = System.nanoTime();

  /** An in-memory connection: no watch, nothing times out (tests, {@link HttpConnectionProbe}). */
  HttpConnection(InputStream in, OutputStream out, HttpHandler handler, Runnable shutdownOutput) {
    this(in, out, handler, shutdownOutput, HttpLimits.DEFAULTS, new BufferPool(), null, null);
  }

  /** A watched connection: {@code connections} closes it through {@code watch} when a limit is passed. */
  HttpConnection(InputStream in, OutputStream out, HttpHandler handler, Runnable shutdownOutput, HttpLimits limits,
      BufferPool pool, Connections connections, Connections.Watch watch) {
    this.in = new ConnectionInput(in, pool, watch);
    this.out = new ConnectionOutput(out, pool);
    this.handler = handler;
    this.shutdownOutput = shutdownOutput;
    this.limits = limits;
    this.connections = connections;
    this.watch = watch;
  }

  void serve() {
    try {
      boolean first = true;
      while (true) {
        if (!awaitRequest(first)) {
          return;
        }
        first = false;
        String requestLine;
        try {
          requestLine = HttpLine.read(in, limits.maxLineBytes());
        } catch (HttpLine.Eof e) {
          return;
        }
        if (requestLine.isEmpty()) {
          continue;
        }
        if (!serveOne(requestLine)) {
          return;
        }
      }
    } catch (BadRequestException e) {
      writeError(400, e.getMessage());
    } catch (IOException e) {
      String why = watch == null ? null : watch.closedBecause();
      LOG.debug("connection ended: {}", why != null ? "closed by the server: " + why : e.toString());
    } catch (RuntimeException e) {
      LOG.debug("connection ended: {}", e.toString());
    } finally {
      try {
        out.flush();
      } catch (IOException ignored) {
        // client gone
      }
      in.release();
      out.release();
      if (connections != null) {
        connections.gone(watch);
      }
    }
  }

  /**
   * Waits for the next request's first byte without holding buffers, then gives it the header
   * timeout. A new connection's first request counts from the accept (as Go's server does), a
   * keep-alive connection waits up to the idle timeout and then counts from the first byte.
   */
  private boolean awaitRequest(boolean first) throws IOException {
    out.flush();
    out.release();
    long now = System.nanoTime();
    long until = first ? opened + limits.headerTimeout().toNanos() : now + limits.idleTimeout().toNanos();
    if (connections != null) {
      connections.idle(watch);
    }
    boolean more;
    try {
      more = in.await(until, first ? "request" : "next request on the kept-alive connection");
    } finally {
      if (connections != null) {
        connections.busy(watch);
      }
    }
    in.until(first ? until : System.nanoTime() + limits.headerTimeout().toNanos(), "complete request headers");
    return more;
  }

  private boolean serveOne(String requestLine) throws IOException {
    String[] parts = requestLine.split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      throw new BadRequestException("malformed request line");
    }
    Map<String, String> headers = new HashMap<>();
    for (int i = 0; ; i++) {
      if (i > limits.maxHeaders()) {
        throw new BadRequestException("too many headers");
      }
      String line = HttpLine.read(in, limits.maxLineBytes());
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new BadRequestException("malformed header line");
      }
      headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
    }
    in.stall(limits.bodyStallTimeout().toNanos(), "request body bytes");
    InputStream body = bodyOf(headers);
    if ("100-continue".equalsIgnoreCase(headers.get("expect")) && parts[2].equals("HTTP/1.1")) {
      // curl and others wait (1 s in curl) for this before sending a large body
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
    HttpRequest request = new HttpRequest(parts[0], parts[1], headers, body);
    HttpResponse response = new HttpResponse(out, in, parts[0].equals("HEAD"), in::unwatched);
    try {
      handler.handle(request, response);
    } catch (BadRequestException e) {
      if (!response.committed()) {
        throw e;
      }
      return false;
    } catch (Exception e) {
      if (!response.committed()) {
        LOG.warn("unhandled error on {} {}", parts[0], parts[1], e);
        response.send(500, "application/json",
            ("{\"message\":\"internal error: " + e.getClass().getSimpleName() + "\"}\n")
                .getBytes(StandardCharsets.UTF_8));
      } else {
        LOG.debug("error after response started on {} {}: {}", parts[0], parts[1], e.toString());
        return false;
      }
    }
    if (response.hijacked()) {
      shutdownOutput.run();
      return false;
    }
    if (!response.committed()) {
      response.send(204, null, new byte[0]);
    }
    body.transferTo(OutputStream.nullOutputStream());
    String conn = headers.getOrDefault("connection", "");
    return !conn.equalsIgnoreCase("close") && !parts[2].equals("HTTP/1.0");
  }

  private InputStream bodyOf(Map<String, String> headers) {
    String te = headers.get("transfer-encoding");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      return new ChunkedInputStream(in);
    }
    String cl = headers.get("content-length");
    if (cl == null) {
      return InputStream.nullInputStream();
    }
    try {
      long len = Long.parseLong(cl.trim());
      if (len < 0) {
        throw new NumberFormatException();
      }
      return new BoundedInputStream(in, len);
    } catch (NumberFormatException e) {
      throw new BadRequestException("malformed Content-Length: " + cl);
    }
  }

  private void writeError(int status, String message) {
    try {
      byte[] body = ("{\"message\":\"" + message.replace("\"", "'") + "\"}\n")
          .getBytes(StandardCharsets.UTF_8);
      String head = "HTTP/1.1 " + status + " Bad Request\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
    } catch (IOException ignored) {
      // client gone
    }
  }
}
