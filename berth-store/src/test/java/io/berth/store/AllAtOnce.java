package io.berth.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks on their own threads, released together, for the conformance suites' promises about
 * concurrent callers: a task starting late would hide the race the test is there to provoke.
 * Every wait is bounded, so a store that deadlocks fails the test instead of hanging the build.
 */
public final class AllAtOnce {
  private AllAtOnce() {}

  /** Each task's result, in the tasks' order; the first failure is rethrown. */
  public static <T> List<T> run(List<? extends Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<T>> running = new ArrayList<>();
      for (Callable<T> task : tasks) {
        running.add(pool.submit(() -> {
          if (!go.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
          return task.call();
        }));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : running) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
