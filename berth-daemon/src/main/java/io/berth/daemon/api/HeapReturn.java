package io.berth.daemon.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap back after memory-heavy requests (image load, pull, push, build). They move
 * hundreds of MiB through buffers; the short-lived garbage that survives a young collection
 * fills the old generation, which berthd's serial collector shrinks, and returns to the system,
 * only after a full collection, and an idle daemon never triggers one: after the benchmark's
 * loads berthd sat at 170 MiB instead of 90. So once the last such request has ended and none
 * has begun for a moment, one full collection runs (tens of milliseconds, on an idle daemon).
 */
public final class HeapReturn {
  private static final Logger LOG = LoggerFactory.getLogger(HeapReturn.class);
  private static final Duration QUIET = Duration.ofSeconds(1);

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong ended = new AtomicLong();

  /** {@code handler}, after which the heap is given back once the daemon is quiet. */
  public Router.RouteHandler around(Router.RouteHandler handler) {
    return (q, s) -> {
      running.incrementAndGet();
      try {
        handler.handle(q, s);
      } finally {
        long mark = ended.incrementAndGet();
        if (running.decrementAndGet() == 0) {
          Thread.ofVirtual().name("heap-return").start(() -> collectIfStillQuiet(mark));
        }
      }
    };
  }

  private void collectIfStillQuiet(long mark) {
    try {
      Thread.sleep(QUIET);
    } catch (InterruptedException e) {
      return;
    }
    if (running.get() == 0 && ended.get() == mark) {
      long before = Runtime.getRuntime().totalMemory();
      System.gc();
      LOG.debug("heap after heavy work: {} -> {} MiB committed", before >> 20, Runtime.getRuntime().totalMemory() >> 20);
    }
  }
}
