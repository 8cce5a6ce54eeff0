package io.berth.cli.lab;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The lab's one way to wait: a condition polled a bounded number of times within a bounded time. */
final class Waits {
  private static final Duration POLL = Duration.ofMillis(200);

  private Waits() {}

  /** Whether {@code done} became true within {@code limit}. */
  static boolean until(Duration limit, BooleanSupplier done) {
    long deadline = System.nanoTime() + limit.toNanos();
    long tries = limit.toMillis() / POLL.toMillis() + 1;
    for (long i = 0; i < tries; i++) {
      if (done.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return done.getAsBoolean();
  }
}
