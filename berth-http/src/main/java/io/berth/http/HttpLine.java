package io.berth.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * One CRLF (or LF) terminated line of an HTTP/1.1 head or chunk header, as ISO-8859-1: the
 * server reads requests with it and berth-client reads responses with it.
 */
public final class HttpLine {
  private HttpLine() {}

  /**
   * Reads a line, refusing one over {@code max} bytes; {@link Eof} when the stream ends before
   * its first byte (a peer that closed between messages), IOException when it ends mid-line.
   */
  public static String read(InputStream in, int max) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (buf.size() == 0) {
          throw new Eof();
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

  /** The stream ended before a line began: a clean end between messages. */
  public static final class Eof extends IOException {
    Eof() {
      super("eof");
    }
  }
}
