package io.berth.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes a chunked body as it arrives: requests on the server, responses in berth-client (where
 * streams like {@code logs -f} never end on their own, so what has arrived must be readable
 * without the next chunk). A malformed chunk header is a bad request, not a crash.
 */
public final class ChunkedInputStream extends InputStream {
  private final InputStream in;
  private long remaining;
  private boolean eof;

  public ChunkedInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (eof) {
      return -1;
    }
    if (len == 0) {
      return 0; // InputStream.readNBytes ends with a zero-length read: it must not wait for the next chunk
    }
    if (remaining == 0) {
      remaining = nextChunkSize();
      if (remaining == 0) {
        eof = true;
        // trailers until an empty line
        while (!HttpLine.read(in, 8192).isEmpty()) {
          // ignore trailers
        }
        return -1;
      }
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new IOException("connection closed inside a chunk");
    }
    remaining -= n;
    if (remaining == 0) {
      String crlf = HttpLine.read(in, 2);
      if (!crlf.isEmpty()) {
        throw new BadRequestException("malformed chunk terminator");
      }
    }
    return n;
  }

  private long nextChunkSize() throws IOException {
    String line;
    try {
      line = HttpLine.read(in, 1024);
    } catch (HttpLine.Eof e) {
      // a body without its last chunk is cut short (a daemon stopped mid logs -f, a client gone)
      throw new IOException("connection closed before the last chunk", e);
    }
    int semi = line.indexOf(';');
    String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
    try {
      long size = Long.parseLong(hex, 16);
      if (size < 0) {
        throw new NumberFormatException();
      }
      return size;
    } catch (NumberFormatException e) {
      throw new BadRequestException("malformed chunk size: " + hex);
    }
  }
}
