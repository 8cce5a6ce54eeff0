package io.berth.daemon.container;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Scheduler} for tests: time stands still until {@link #advance} moves it, and then
 * the tasks that fell due run on the calling thread, in order of their time.
 */
final class ManualScheduler implements Scheduler {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final List<Task> tasks = new ArrayList<>();
  private long sequence;

  private record Task(Instant due, long order, Runnable run) {}

  @Override
  public Clock clock() {
    return new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    };
  }

  @Override
  public synchronized void after(Duration delay, Runnable task) {
    tasks.add(new Task(now.plus(delay), sequence++, task));
  }

  /** Moves time on by {@code d}, running each task that falls due at its own time. */
  void advance(Duration d) {
    Instant end = now.plus(d);
    for (int i = 0; i < 10_000; i++) {
      Task next;
      synchronized (this) {
        next = tasks.stream().filter(t -> !t.due.isAfter(end))
            .min(Comparator.comparing((Task t) -> t.due).thenComparingLong(t -> t.order)).orElse(null);
        if (next == null) {
          now = end;
          return;
        }
        tasks.remove(next);
        if (next.due.isAfter(now)) {
          now = next.due;
        }
      }
      next.run.run();
    }
    throw new IllegalStateException("more than 10000 tasks in one advance");
  }

  /** Tasks waiting. */
  synchronized long pending() {
    return tasks.size();
  }

  Instant now() {
    return now;
  }
}
