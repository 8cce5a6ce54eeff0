package io.berth.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches conmon's exit directory with one inotify watch (the JDK's WatchService) and completes
 * the futures of waiters when {@code <id>} files appear, so thousands of waiters cost nothing.
 */
final class ExitWatcher {
  private final Path dir;
  private final Map<String, List<CompletableFuture<Integer>>> waiters = new ConcurrentHashMap<>();

  ExitWatcher(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      WatchService ws = dir.getFileSystem().newWatchService();
      dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      WatchLoop.start("exit-watcher", ws, this::handle);
    } catch (IOException e) {
      throw new UncheckedIOException("watching " + dir, e);
    }
  }

  /** Completes when conmon records the exit of {@code id} (at once if it already did). */
  CompletableFuture<Integer> watch(String id) {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    waiters.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(f);
    // f itself too: an exit handled between computeIfAbsent and add completed and removed the
    // list before f was in it, and f would wait forever (a quick docker run --rm hung so in CI)
    read(id).ifPresent(code -> {
      complete(id, code);
      f.complete(code);
    });
    return f;
  }

  Optional<Integer> read(String id) {
    Path p = dir.resolve(id);
    for (int i = 0; i < 50; i++) {
      try {
        String s = Files.readString(p).trim();
        if (!s.isEmpty()) {
          return Optional.of(Integer.parseInt(s));
        }
      } catch (java.nio.file.NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException | NumberFormatException e) {
        // being written: retry
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  void forget(String id) {
    try {
      Files.deleteIfExists(dir.resolve(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void complete(String id, int code) {
    List<CompletableFuture<Integer>> list = waiters.remove(id);
    if (list != null) {
      list.forEach(f -> f.complete(code));
    }
  }

  private void handle(WatchKey key) {
    for (WatchEvent<?> ev : key.pollEvents()) {
      if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
        for (String id : waiters.keySet()) {
          read(id).ifPresent(c -> complete(id, c));
        }
        continue;
      }
      String id = ev.context().toString();
      if (waiters.containsKey(id)) {
        read(id).ifPresent(c -> complete(id, c));
      }
    }
  }
}
