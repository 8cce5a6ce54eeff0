package io.berth.cli.compose;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Does one thing per item, all at once on virtual threads, and waits for all of them: compose
 * acts on the containers of one dependency level side by side (a stop may take its whole grace
 * period, a start may wait for health). The first failure, of whatever kind, is rethrown.
 */
final class SideBySide {
  private SideBySide() {}

  interface Each<T> {
    void apply(T item) throws Exception;
  }

  static <T> void run(List<T> items, Each<T> action) throws IOException {
    if (items.size() == 1) {
      call(action, items.getFirst());
      return;
    }
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
    for (T item : items) {
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          action.apply(item);
        } catch (Exception e) {
          failures.add(e);
        }
      }));
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while acting on containers", e);
      }
    }
    if (!failures.isEmpty()) {
      throw rethrowable(failures.getFirst());
    }
  }

  private static <T> void call(Each<T> action, T item) throws IOException {
    try {
      action.apply(item);
    } catch (Exception e) {
      throw rethrowable(e);
    }
  }

  private static IOException rethrowable(Exception e) {
    if (e instanceof RuntimeException re) {
      throw re;
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return e instanceof IOException io ? io : new IOException(e.getMessage(), e);
  }
}
