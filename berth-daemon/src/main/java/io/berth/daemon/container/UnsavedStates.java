package io.berth.daemon.container;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers whose state changed in memory but could not be written (a full disk). They are
 * written again in the background, with growing pauses, until a write succeeds or the container
 * is removed: the record on disk catches up with what the daemon knows once there is room,
 * without anyone waiting on it. (A restart before that reads the exit from the runtime's files.)
 */
final class UnsavedStates {
  private static final Logger LOG = LoggerFactory.getLogger(UnsavedStates.class);
  private static final Duration FIRST = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofSeconds(30);
  private final ContainerRepository repo;
  private final Map<String, Container> pending = new ConcurrentHashMap<>();
  private boolean running;

  UnsavedStates(ContainerRepository repo) {
    this.repo = repo;
  }

  void retryLater(Container c, RuntimeException why) {
    pending.put(c.id, c);
    synchronized (this) {
      if (running) {
        return;
      }
      running = true;
    }
    Thread.ofVirtual().name("unsaved-states").start(this::run);
  }

  void saved(Container c) {
    pending.remove(c.id, c);
  }

  private void run() {
    Duration pause = FIRST;
    while (true) {
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        synchronized (this) {
          running = false;
        }
        return;
      }
      for (Container c : List.copyOf(pending.values())) {
        synchronized (c) { // as every state change: no write of a state half-changed
          if (!repo.holds(c)) {
            pending.remove(c.id, c); // removed meanwhile: its record must not come back
            continue;
          }
          try {
            repo.save(c);
            LOG.info("container {}: its state is written again", c.id);
          } catch (RuntimeException stillFailing) {
            // stays pending; save logged nothing, the first failure was reported
          }
        }
      }
      synchronized (this) {
        if (pending.isEmpty()) {
          running = false;
          return;
        }
      }
      pause = pause.multipliedBy(2).compareTo(MAX) > 0 ? MAX : pause.multipliedBy(2);
    }
  }
}
