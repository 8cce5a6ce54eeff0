package io.berth.runtime.log;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What the rotator and the readers of one container's log share in berthd: a lock (the rotator
 * renames rotated files under the write lock, readers list and open them under the read lock,
 * so a reader never sees a half-shifted set such as two files named {@code .1}), and which file
 * each compressed one was made from (a follower that was reading a file when it got rotated and
 * compressed finds its place again). conmon's own rotation needs neither: it only replaces the
 * live file, and the hold link keeps the previous one.
 */
public final class LogLocks {
  private final Map<Path, Shared> logs = new ConcurrentHashMap<>();

  private record Shared(ReadWriteLock lock, Map<Object, Object> origins) {}

  private Shared shared(Path live) {
    return logs.computeIfAbsent(live.toAbsolutePath().normalize(),
        p -> new Shared(new ReentrantReadWriteLock(), new ConcurrentHashMap<>()));
  }

  ReadWriteLock of(Path live) {
    return shared(live).lock();
  }

  /** Identity of a compressed file -> identity of the plain file it was made from. */
  Map<Object, Object> origins(Path live) {
    return shared(live).origins();
  }

  /** Forgets a removed container's log. */
  void forget(Path live) {
    logs.remove(live.toAbsolutePath().normalize());
  }
}
