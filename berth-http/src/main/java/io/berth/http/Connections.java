package io.berth.http;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open connections of one server, watched. Blocking reads have no timeout of their own on unix
 * sockets (nor a per-phase one anywhere), so each connection publishes, while it is blocked in a
 * read, the instant it gives up waiting ({@link Watch#until}); a watcher thread closes the
 * connections whose instant has passed, which ends the blocked read. Connections waiting for a
 * request are also kept in arrival order, and past {@link HttpLimits#maxIdleConnections} the one
 * that has waited longest is closed.
 */
final class Connections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
  static final long NONE = Long.MAX_VALUE;

  /** One connection's watch: the transport to close, and until when its current read may block. */
  static final class Watch {
    private final Closeable transport;
    private volatile long until = NONE;
    private volatile String why;
    private String waitingFor;

    Watch(Closeable transport) {
      this.transport = transport;
    }

    /** Reads from now on give up at {@code nanoTime} (System.nanoTime), waiting for {@code what}. */
    void until(long nanoTime, String what) {
      waitingFor = what;
      until = nanoTime;
    }

    void clear() {
      until = NONE;
    }

    /** Why the server closed this connection, or null when it did not. */
    String closedBecause() {
      return why;
    }
  }

  private final HttpLimits limits;
  private final Set<Watch> open = ConcurrentHashMap.newKeySet();
  private final LinkedHashSet<Watch> idle = new LinkedHashSet<>();
  private final Thread watcher;
  private volatile boolean closed;

  Connections(HttpLimits limits) {
    this.limits = limits;
    long shortest = Math.min(limits.headerTimeout().toNanos(),
        Math.min(limits.idleTimeout().toNanos(), limits.bodyStallTimeout().toNanos()));
    // a deadline is noticed within a tenth of the shortest timeout, and at most a second late
    long tickMillis = Math.clamp(shortest / 10 / 1_000_000, 5, 1000);
    watcher = Thread.ofPlatform().daemon().name("http-deadlines").start(() -> watch(tickMillis));
  }

  Watch open(Closeable transport) {
    Watch w = new Watch(transport);
    open.add(w);
    return w;
  }

  /** The connection now waits for a request; the longest-waiting beyond the cap are closed. */
  void idle(Watch w) {
    List<Watch> evicted = new ArrayList<>();
    synchronized (idle) {
      idle.add(w);
      Iterator<Watch> oldest = idle.iterator();
      while (idle.size() > limits.maxIdleConnections() && oldest.hasNext()) {
        Watch o = oldest.next();
        oldest.remove();
        evicted.add(o);
      }
    }
    for (Watch o : evicted) {
      close(o, "more than " + limits.maxIdleConnections() + " connections waiting for a request; this one waited longest");
    }
  }

  /** The connection's request has begun (or it ended). */
  void busy(Watch w) {
    synchronized (idle) {
      idle.remove(w);
    }
  }

  void gone(Watch w) {
    busy(w);
    open.remove(w);
  }

  int idleCount() {
    synchronized (idle) {
      return idle.size();
    }
  }

  private void watch(long tickMillis) {
    while (!closed) {
      try {
        Thread.sleep(tickMillis);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Watch w : open) {
        long until = w.until;
        if (until != NONE && now - until >= 0) {
          close(w, "no " + w.waitingFor + " in time");
        }
      }
    }
  }

  private void close(Watch w, String why) {
    if (w.why != null) {
      return;
    }
    w.why = why;
    busy(w);
    // closing a TLS socket may write (close_notify): never on the watcher's own thread
    Thread.ofVirtual().start(() -> {
      try {
        w.transport.close();
      } catch (IOException e) {
        LOG.debug("closing a connection ({}): {}", why, e.toString());
      }
    });
  }

  @Override
  public void close() {
    closed = true;
    watcher.interrupt();
  }
}
