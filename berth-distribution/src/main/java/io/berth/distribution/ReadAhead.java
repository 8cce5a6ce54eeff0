package io.berth.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads its source on a thread of its own, a few chunks ahead of the reader. A layer's download
 * is a chain of stages on one thread (receive, hash the compressed bytes, inflate, hash again,
 * write); the largest layer of a pull is its last to finish, and then one core did all of that
 * while the other had nothing left. Split in two, the chain keeps both busy.
 */
final class ReadAhead extends InputStream {
  private static final int CHUNK = 256 * 1024;
  private static final int DEPTH = 4;

  /** A chunk read ahead; {@code n} -1 at the end, {@code error} when the source failed. */
  private record Chunk(byte[] bytes, int n, IOException error) {}

  private final InputStream source;
  private final BlockingQueue<Chunk> ready = new ArrayBlockingQueue<>(DEPTH + 2);
  private final BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(DEPTH + 2);
  private final Thread reader;
  private Chunk current;
  private int pos;
  private volatile boolean closed;

  ReadAhead(InputStream source) {
    this.source = source;
    for (int i = 0; i < DEPTH; i++) {
      spare.add(new byte[CHUNK]);
    }
    reader = Thread.ofVirtual().name("read-ahead").start(this::readAll);
  }

  private void readAll() {
    try {
      while (!closed) {
        byte[] b = spare.take();
        if (closed) {
          return;
        }
        int n = 0;
        IOException failure = null;
        try {
          int got;
          while (n < CHUNK && (got = source.read(b, n, CHUNK - n)) > 0) {
            n += got;
          }
        } catch (IOException e) {
          failure = e;
        } catch (RuntimeException e) {
          failure = new IOException(e.getMessage(), e);
        }
        if (n > 0) { // what came before a failure is delivered before it
          ready.put(new Chunk(b, n, null));
        }
        if (failure != null || n < CHUNK) {
          ready.put(new Chunk(null, -1, failure));
          return;
        }
      }
    } catch (InterruptedException e) {
      ready.offer(new Chunk(null, -1, new InterruptedIOException("read-ahead interrupted")));
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("Stream closed");
    }
    if (len == 0) {
      return 0;
    }
    if (current == null || (current.n() >= 0 && pos == current.n())) {
      if (current != null) {
        spare.offer(current.bytes());
      }
      try {
        current = ready.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading ahead");
      }
      pos = 0;
    }
    if (current.error() != null) {
      throw current.error();
    }
    if (current.n() < 0) {
      return -1;
    }
    int n = Math.min(len, current.n() - pos);
    System.arraycopy(current.bytes(), pos, b, off, n);
    pos += n;
    return n;
  }

  /** Stops reading ahead and closes the source (which ends a read the reader is blocked in). */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    reader.interrupt();
    spare.offer(new byte[0]); // wakes a reader waiting for a spare buffer
    source.close();
  }
}
