package io.berth.http;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The I/O buffers of one server's connections. A connection holds its two only while it serves a
 * request and gives them back while it waits for the next, so an idle connection costs a few
 * kilobytes instead of 128 KiB; a few returned buffers are kept for the next requests (no garbage
 * per request in steady use), the rest are left to the collector.
 */
final class BufferPool {
  /** Big enough that a blob or a layer moves in few system calls. */
  static final int SIZE = 64 * 1024;
  private static final int KEEP = 16;
  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger kept = new AtomicInteger();
  private final AtomicInteger lent = new AtomicInteger();

  byte[] take() {
    lent.incrementAndGet();
    byte[] b = free.poll();
    if (b == null) {
      return new byte[SIZE];
    }
    kept.decrementAndGet();
    return b;
  }

  void give(byte[] b) {
    lent.decrementAndGet();
    if (kept.incrementAndGet() <= KEEP) {
      free.offer(b);
    } else {
      kept.decrementAndGet();
    }
  }

  /** Buffers held by connections now (for tests: none while all connections wait). */
  int lent() {
    return lent.get();
  }
}
