package io.berth.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * The buffered input of one connection. Its buffer comes from the server's {@link BufferPool}
 * when a request starts and goes back while the connection waits for the next one ({@link
 * #await}, which reads the first byte without a buffer). Each read that blocks on the socket is
 * watched: it gives up at a fixed instant (a request's headers), a while after it began (a body
 * that stalls), or never (a hijacked stream).
 */
final class ConnectionInput extends InputStream {
  private final InputStream raw;
  private final BufferPool pool;
  private final Connections.Watch watch;
  private byte[] buf;
  private int pos;
  private int count;
  private long fixedUntil = Connections.NONE;
  private long stallNanos;
  private String waitingFor;

  /** {@code watch} null: nothing gives up (an in-memory connection). */
  ConnectionInput(InputStream raw, BufferPool pool, Connections.Watch watch) {
    this.raw = raw;
    this.pool = pool;
    this.watch = watch;
  }

  /** Blocking reads give up at {@code nanoTime}, waiting for {@code what}. */
  void until(long nanoTime, String what) {
    fixedUntil = nanoTime;
    stallNanos = 0;
    waitingFor = what;
  }

  /** Each blocking read gives up after {@code nanos} without a byte. */
  void stall(long nanos, String what) {
    fixedUntil = Connections.NONE;
    stallNanos = nanos;
    waitingFor = what;
  }

  /** Reads block as long as they must (a hijacked stream: stdin may stay silent for hours). */
  void unwatched() {
    fixedUntil = Connections.NONE;
    stallNanos = 0;
  }

  /**
   * Waits until the next request's first byte, or {@code nanoTime}, holding no buffer while it
   * waits (unless pipelined bytes are already buffered). False at a clean end of the connection.
   */
  boolean await(long nanoTime, String what) throws IOException {
    if (pos < count) {
      return true;
    }
    release();
    until(nanoTime, what);
    byte[] one = new byte[1];
    int n;
    do {
      n = watched(one, 0, 1);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    buf = pool.take();
    buf[0] = one[0];
    pos = 0;
    count = 1;
    return true;
  }

  /** Gives the buffer back when nothing unread is in it. */
  void release() {
    if (buf != null && pos >= count) {
      pool.give(buf);
      buf = null;
      pos = 0;
      count = 0;
    }
  }

  @Override
  public int read() throws IOException {
    if (pos >= count && !fill()) {
      return -1;
    }
    return buf[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (pos >= count) {
      if (len >= BufferPool.SIZE) {
        return watched(b, off, len); // large reads skip the buffer, as BufferedInputStream's do
      }
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, count - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() throws IOException {
    return (count - pos) + raw.available();
  }

  @Override
  public void close() throws IOException {
    pos = count;
    release();
    raw.close();
  }

  private boolean fill() throws IOException {
    if (buf == null) {
      buf = pool.take();
    }
    pos = 0;
    count = 0;
    int n = watched(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    count = n;
    return true;
  }

  private int watched(byte[] b, int off, int len) throws IOException {
    if (watch == null || (fixedUntil == Connections.NONE && stallNanos == 0)) {
      return raw.read(b, off, len);
    }
    watch.until(fixedUntil != Connections.NONE ? fixedUntil : System.nanoTime() + stallNanos, waitingFor);
    try {
      return raw.read(b, off, len);
    } finally {
      watch.clear();
    }
  }
}
