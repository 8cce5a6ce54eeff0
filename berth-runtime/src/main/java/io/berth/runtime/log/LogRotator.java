package io.berth.runtime.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * berthd's half of log rotation (decision 0014). conmon bounds the live file by itself
 * ({@code --log-size-max}): at max-size it replaces it with an empty one, with or without
 * berthd. This class makes that a rotation as Docker's: before conmon starts it holds the live
 * file with a second hard link, and while the container runs it watches the log directory
 * (inotify) and, each time conmon replaced the live file, files the held one as {@code .1},
 * holds the new one and compresses in the background. Containers outlive berthd: on restart
 * {@link #watch} files what conmon rotated meanwhile.
 */
public final class LogRotator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogRotator.class);
  private final LogLocks locks;
  private final WatchService watcher;
  private final Map<WatchKey, Entry> watched = new ConcurrentHashMap<>();
  private final Map<Path, WatchKey> keys = new ConcurrentHashMap<>();

  public LogRotator(LogLocks locks) {
    this.locks = locks;
    try {
      this.watcher = FileSystems.getDefault().newWatchService();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot watch log directories (inotify)", e);
    }
    // a platform thread: rotations must be filed before conmon fills the next file
    Thread.ofPlatform().daemon().name("log-rotator").start(this::run);
  }

  /**
   * Before conmon starts for a run of the container: returns the {@code --log-size-max} to give
   * conmon, or -1 for none (see {@link LogRotation#prepare}).
   */
  public long prepare(Path live, LogOptions opts) {
    try {
      Files.createDirectories(live.getParent());
      LogRotation rotation = new LogRotation(live, opts, locks);
      long limit = rotation.prepare();
      if (opts.compress()) {
        new Entry(rotation, live.getFileName()).compressLater();
      }
      return limit;
    } catch (IOException e) {
      throw new UncheckedIOException("preparing the log " + live, e);
    }
  }

  /** While conmon runs (also after berthd restarted): files each rotation conmon makes. */
  public void watch(Path live, LogOptions opts) {
    if (!opts.rotates()) {
      return;
    }
    Entry w = new Entry(new LogRotation(live, opts, locks), live.getFileName());
    try {
      WatchKey key = live.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
      watched.put(key, w);
      keys.put(live.toAbsolutePath().normalize(), key);
    } catch (IOException e) {
      throw new UncheckedIOException("watching the log " + live, e);
    }
    w.rotate();
  }

  /**
   * After the container stopped: files conmon's last rotation and ends the watch; the output
   * buffer of a container without a log is deleted.
   */
  public void release(Path live, LogOptions opts) {
    WatchKey key = keys.remove(live.toAbsolutePath().normalize());
    Entry w = null;
    if (key != null) {
      key.cancel();
      w = watched.remove(key);
    }
    try {
      if (opts.driver() == LogDriver.NONE) {
        Files.deleteIfExists(live);
      } else if (opts.rotates()) {
        (w != null ? w : new Entry(new LogRotation(live, opts, locks), live.getFileName())).rotate();
      }
    } catch (IOException e) {
      LOG.warn("removing the output buffer {}: {}", live, e.toString());
    }
  }

  /** The container was removed with its files. */
  public void forget(Path live) {
    release(live, LogOptions.jsonFile());
    locks.forget(live);
  }

  private void run() {
    while (true) {
      WatchKey key;
      try {
        key = watcher.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      Entry w = watched.get(key);
      if (w != null) {
        boolean rotated = false;
        for (WatchEvent<?> e : key.pollEvents()) {
          rotated |= e.kind() == StandardWatchEventKinds.OVERFLOW || w.name.equals(e.context());
        }
        if (rotated) {
          w.rotate();
        }
      } else {
        key.pollEvents();
      }
      key.reset();
    }
  }

  @Override
  public void close() {
    try {
      watcher.close();
    } catch (IOException e) {
      LOG.debug("closing the log watcher: {}", e.toString());
    }
  }

  /** One container's log: files rotations at once, compresses one file at a time in the background. */
  private static final class Entry {
    private final LogRotation rotation;
    private final Path name;
    private final AtomicBoolean compressPending = new AtomicBoolean();
    private final AtomicBoolean compressing = new AtomicBoolean();

    Entry(LogRotation rotation, Path name) {
      this.rotation = rotation;
      this.name = name;
    }

    void rotate() {
      try {
        if (rotation.reconcile()) {
          compressLater();
        }
      } catch (IOException | UncheckedIOException e) {
        LOG.warn("log rotation failed: {}", e.toString());
      }
    }

    void compressLater() {
      compressPending.set(true);
      compressInBackground();
    }

    private void compressInBackground() {
      if (!compressing.compareAndSet(false, true)) {
        return;
      }
      Thread.ofVirtual().name("log-compress").start(() -> {
        try {
          while (compressPending.getAndSet(false)) {
            rotation.compress();
          }
        } catch (IOException | UncheckedIOException e) {
          LOG.warn("compressing a rotated log failed: {}", e.toString());
        } finally {
          compressing.set(false);
          if (compressPending.get()) {
            compressInBackground();
          }
        }
      });
    }
  }
}
