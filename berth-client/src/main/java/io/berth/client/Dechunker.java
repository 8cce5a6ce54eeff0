package io.berth.client;

import java.io.IOException;
import java.io.InputStream;

/** Decodes a chunked response body as it arrives (streams like logs -f never end on their own). */
final class Dechunker extends InputStream {
  private final InputStream in;
  private long remaining;
  private boolean eof;

  Dechunker(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    byte[] b = new byte[1];
    return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
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
      String size = ApiClient.line(in);
      if (size.isEmpty()) {
        size = ApiClient.line(in);
      }
      int semi = size.indexOf(';');
      remaining = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
      if (remaining == 0) {
        eof = true;
        return -1;
      }
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new IOException("connection closed inside a chunk");
    }
    remaining -= n;
    if (remaining == 0) {
      ApiClient.line(in);
    }
    return n;
  }
}
