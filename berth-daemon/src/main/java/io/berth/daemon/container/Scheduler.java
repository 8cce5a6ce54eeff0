package io.berth.daemon.container;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one source of time for what happens later to containers (restart back-off, health
 * probes): a clock and delayed tasks. The daemon's runs tasks on virtual threads (a probe or a
 * start may block); tests drive a manual one, so timing logic is tested without sleeping.
 */
public interface Scheduler {
  Clock clock();

  /**
   * Runs {@code task} once {@code delay} has passed on {@link #clock()}. Tasks check when they
   * run whether they still apply (a stop or a new run makes a pending restart or probe moot).
   */
  void after(Duration delay, Runnable task);

  /** Wall-clock timing: one timer thread that hands each due task to a virtual thread. */
  static Scheduler system(Clock clock) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("container-timer").factory());
    return new Scheduler() {
      @Override
      public Clock clock() {
        return clock;
      }

      @Override
      public void after(Duration delay, Runnable task) {
        timer.schedule(() -> Thread.ofVirtual().start(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      }
    };
  }
}
