package io.berth.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to one request, written straight to the connection. Three shapes exist: a whole
 * body ({@link #send}), a chunked stream that is flushed as it goes (logs, events, progress),
 * and a hijack, after which the connection carries raw bytes both ways (attach, exec).
 */
public final class HttpResponse {
  private final OutputStream out;
  private final InputStream rawIn;
  private final boolean head;
  private final Runnable onHijack;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private boolean committed;
  private boolean hijacked;
  private boolean closeAfter;

  /** {@code onHijack} lifts the connection's read limits: a hijacked stream may be silent for hours. */
  HttpResponse(OutputStream out, InputStream rawIn, boolean head, Runnable onHijack) {
    this.out = out;
    this.rawIn = rawIn;
    this.head = head;
    this.onHijack = onHijack;
  }

  /**
   * Sends {@code length} bytes of {@code file} from {@code position} as the body of a response of
   * known length (HEAD: headers only). The copy goes through the connection's buffer: a sendfile
   * path straight to the socket was tried and made Jib's reads time out (see the registry notes).
   */
  public void sendFile(int status, String contentType, java.nio.channels.FileChannel file, long position, long length) {
    OutputStream body = fixed(status, contentType, length);
    if (head) {
      return;
    }
    try {
      // read in large blocks: FileChannel.transferTo to a stream goes 8 KiB at a time
      byte[] block = new byte[(int) Math.min(256 * 1024, Math.max(length, 1))];
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(block);
      long done = 0;
      while (done < length) {
        buf.clear().limit((int) Math.min(block.length, length - done));
        int n = file.read(buf, position + done);
        if (n <= 0) {
          throw new IOException("the file ended " + (length - done) + " bytes early");
        }
        body.write(block, 0, n);
        done += n;
      }
      body.close(); // flushes (also the headers of an empty body)
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public HttpResponse header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public boolean committed() {
    return committed;
  }

  boolean hijacked() {
    return hijacked;
  }

  boolean closeAfter() {
    return closeAfter;
  }

  /** Sends a complete response. */
  public void send(int status, String contentType, byte[] body) {
    ensureFresh();
    committed = true;
    StringBuilder sb = statusLine(status);
    if (contentType != null) {
      sb.append("Content-Type: ").append(contentType).append("\r\n");
    }
    sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    try {
      out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (!head) {
        out.write(body);
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a response of known length and returns the raw body stream (for blobs: no chunking,
   * no copy into memory). For HEAD only the headers are written and the stream discards.
   */
  public OutputStream fixed(int status, String contentType, long length) {
    ensureFresh();
    committed = true;
    StringBuilder sb = statusLine(status);
    if (contentType != null) {
      sb.append("Content-Type: ").append(contentType).append("\r\n");
    }
    sb.append("Content-Length: ").append(length).append("\r\n\r\n");
    try {
      out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (head) {
        out.flush();
        return OutputStream.nullOutputStream();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        out.flush(); // the connection stays open for the next request
      }
    };
  }

  /** Starts a chunked response; every write to the returned stream is flushed as one chunk. */
  public OutputStream stream(int status, String contentType) {
    ensureFresh();
    committed = true;
    StringBuilder sb = statusLine(status);
    sb.append("Content-Type: ").append(contentType).append("\r\n");
    sb.append("Transfer-Encoding: chunked\r\n\r\n");
    try {
      out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ChunkedOutputStream(out);
  }

  /**
   * Takes over the connection as Docker does for attach and exec: answers 101 when the client
   * asked to upgrade (200 otherwise) and hands back the raw streams. The connection is closed
   * when the handler returns.
   */
  public Hijacked hijack(boolean upgrade, String contentType) {
    ensureFresh();
    committed = true;
    hijacked = true;
    closeAfter = true;
    onHijack.run();
    StringBuilder sb = new StringBuilder();
    if (upgrade) {
      sb.append("HTTP/1.1 101 UPGRADED\r\n");
      sb.append("Content-Type: ").append(contentType).append("\r\n");
      sb.append("Connection: Upgrade\r\nUpgrade: tcp\r\n");
    } else {
      sb.append("HTTP/1.1 200 OK\r\n");
      sb.append("Content-Type: ").append(contentType).append("\r\n");
    }
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    sb.append("\r\n");
    try {
      out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Hijacked(rawIn, out);
  }

  /** Raw streams of a hijacked connection. */
  public record Hijacked(InputStream in, OutputStream out) {}

  private StringBuilder statusLine(int status) {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ')
        .append(reason(status)).append("\r\n");
    sb.append("Server: Berth/0.1.0 (linux)\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    return sb;
  }

  private void ensureFresh() {
    if (committed) {
      throw new IllegalStateException("response already committed");
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 304 -> "Not Modified";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 202 -> "Accepted";
      case 206 -> "Partial Content";
      case 303 -> "See Other";
      case 307 -> "Temporary Redirect";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 416 -> "Range Not Satisfiable";
      case 429 -> "Too Many Requests";
      case 409 -> "Conflict";
      case 413 -> "Payload Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      default -> "Status";
    };
  }
}
