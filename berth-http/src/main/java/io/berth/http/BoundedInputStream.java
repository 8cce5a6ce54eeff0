package io.berth.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * A body of known Content-Length: a reader can never read into the next message, and a body cut
 * short by the peer is an error, not a shorter body.
 */
public final class BoundedInputStream extends InputStream {
  private final InputStream in;
  private long remaining;

  public BoundedInputStream(InputStream in, long length) {
    this.in = in;
    this.remaining = length;
  }

  @Override
  public int read() throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    int b = in.read();
    if (b < 0) {
      throw new java.io.EOFException("connection closed with " + remaining + " bytes of the body missing");
    }
    remaining--;
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      // a truncated upload must not look like a complete one
      throw new java.io.EOFException("connection closed with " + remaining + " bytes of the body missing");
    }
    remaining -= n;
    return n;
  }
}
