package io.berth.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
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
 * next request starts at the right byte. Limits on line and header sizes keep a hostile client
 * from exhausting memory.
 */
final class HttpConnection {
  private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);
  private static final int MAX_LINE = 16 * 1024;
  private static final int MAX_HEADERS = 200;

  private final InputStream in;
  private final OutputStream out;
  private final HttpHandler handler;
  private final Runnable shutdownOutput;

  HttpConnection(InputStream in, OutputStream out, HttpHandler handler, Runnable shutdownOutput) {
    this.in = new BufferedInputStream(in, 64 * 1024);
    this.out = new BufferedOutputStream(out, 64 * 1024);
    this.handler = handler;
    this.shutdownOutput = shutdownOutput;
  }

  void serve() {
    try {
      while (true) {
        String requestLine;
        try {
          requestLine = readLine(in, MAX_LINE);
        } catch (EofException e) {
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
      LOG.debug("connection ended: {}", e.toString());
    } catch (RuntimeException e) {
      LOG.debug("connection ended: {}", e.toString());
    } finally {
      try {
        out.flush();
      } catch (IOException ignored) {
        // client gone
      }
    }
  }

  private boolean serveOne(String requestLine) throws IOException {
    String[] parts = requestLine.split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      throw new BadRequestException("malformed request line");
    }
    Map<String, String> headers = new HashMap<>();
    for (int i = 0; ; i++) {
      if (i > MAX_HEADERS) {
        throw new BadRequestException("too many headers");
      }
      String line = readLine(in, MAX_LINE);
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
    InputStream body = bodyOf(headers);
    if ("100-continue".equalsIgnoreCase(headers.get("expect")) && parts[2].equals("HTTP/1.1")) {
      // curl and others wait (1 s in curl) for this before sending a large body
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
    HttpRequest request = new HttpRequest(parts[0], parts[1], headers, body);
    HttpResponse response = new HttpResponse(out, in, parts[0].equals("HEAD"));
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

  /** Reads one CRLF (or LF) terminated line as ISO-8859-1, refusing lines over {@code max}. */
  static String readLine(InputStream in, int max) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (buf.size() == 0) {
          throw new EofException();
        }
        throw new IOException("connection closed mid-line");
      }
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        if (buf.size() >= max) {
          throw new BadRequestException("line too long");
        }
        buf.write(b);
      }
    }
    return buf.toString(StandardCharsets.ISO_8859_1);
  }

  /** Clean end of a keep-alive connection between requests. */
  static final class EofException extends IOException {
    EofException() {
      super("eof");
    }
  }
}
