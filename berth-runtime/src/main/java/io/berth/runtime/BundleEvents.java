package io.berth.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Wakes the wait for {@code runc create} as soon as a file changes in the container's bundle
 * (runc's pid file, its log, conmon's pid file) instead of polling the directory every few
 * milliseconds: on the path of every {@code docker run}, a poll loop costs up to its period in
 * latency and steals CPU from the runc it waits for. One inotify instance for the daemon; a
 * bundle is watched only while its container is being created.
 */
final class BundleEvents {
  private final WatchService ws;
  private final Map<WatchKey, Semaphore> signals = new ConcurrentHashMap<>();

  BundleEvents() {
    try {
      ws = java.nio.file.FileSystems.getDefault().newWatchService();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("inotify for container bundles", e);
    }
    WatchLoop.start("bundle-events", ws, key -> {
      key.pollEvents();
      Semaphore s = signals.get(key);
      if (s != null) {
        s.release();
      }
    });
  }

  /** A watch of {@code dir}: {@link Watch#await} returns early when something in it changed. */
  Watch watch(Path dir) throws IOException {
    Semaphore s = new Semaphore(0);
    WatchKey key = dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    signals.put(key, s);
    return new Watch(key, s);
  }

  /** One bundle's watch; closing it drops the inotify watch. */
  final class Watch implements AutoCloseable {
    private final WatchKey key;
    private final Semaphore changed;

    private Watch(WatchKey key, Semaphore changed) {
      this.key = key;
      this.changed = changed;
    }

    /** Waits until the directory changed since the last call, or {@code maxMillis} passed. */
    void await(long maxMillis) throws InterruptedException {
      if (changed.tryAcquire(maxMillis, TimeUnit.MILLISECONDS)) {
        changed.drainPermits();
      }
    }

    @Override
    public void close() {
      signals.remove(key);
      key.cancel();
    }
  }
}
