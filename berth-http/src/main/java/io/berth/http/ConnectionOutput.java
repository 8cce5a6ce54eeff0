package io.berth.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The buffered output of one connection, with its buffer from the server's {@link BufferPool}
 * only while a response is being written: {@link #release} gives it back once all is flushed.
 * Writes of a buffer's size or more go straight to the socket, as BufferedOutputStream's do; and
 * like it, writes are serialized (a hijacked stream's stdout and stderr come from two threads).
 */
final class ConnectionOutput extends OutputStream {
  private final OutputStream raw;
  private final BufferPool pool;
  private byte[] buf;
  private int count;

  ConnectionOutput(OutputStream raw, BufferPool pool) {
    this.raw = raw;
    this.pool = pool;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    if (buf == null) {
      buf = pool.take();
    } else if (count == buf.length) {
      drain();
    }
    buf[count++] = (byte) b;
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    if (len >= BufferPool.SIZE) {
      drain();
      raw.write(b, off, len);
      return;
    }
    if (buf == null) {
      buf = pool.take();
    } else if (len > buf.length - count) {
      drain();
    }
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  @Override
  public synchronized void flush() throws IOException {
    drain();
    raw.flush();
  }

  /** Gives the buffer back when everything written has been flushed. */
  synchronized void release() {
    if (buf != null && count == 0) {
      pool.give(buf);
      buf = null;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      flush();
    } finally {
      release();
      raw.close();
    }
  }

  private void drain() throws IOException {
    if (count > 0) {
      raw.write(buf, 0, count);
      count = 0;
    }
  }
}
