package io.berth.runtime;

import java.nio.file.ClosedWatchServiceException;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.function.Consumer;

/**
 * The wait of a WatchService on a daemon thread of its own: each signalled key goes to a handler
 * and is reset; the loop ends when the service is closed. The runtime's inotify users (exit
 * files, container bundles) then say only what an event means to them.
 */
final class WatchLoop {
  private WatchLoop() {}

  static void start(String name, WatchService ws, Consumer<WatchKey> handler) {
    Thread.ofPlatform().daemon().name(name).start(() -> {
      while (true) {
        WatchKey key;
        try {
          key = ws.take();
        } catch (InterruptedException | ClosedWatchServiceException e) {
          return;
        }
        handler.accept(key);
        key.reset();
      }
    });
  }
}
