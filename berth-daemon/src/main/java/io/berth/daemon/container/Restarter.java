package io.berth.daemon.container;

import io.berth.errdefs.BerthException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a container's restart policy after an exit: decides on the exit just recorded, marks
 * the container restarting and starts it again once the back-off has passed on the
 * {@link Scheduler}. A stop or removal during the back-off wins (the start then does nothing).
 */
final class Restarter {
  private static final Logger LOG = LoggerFactory.getLogger(Restarter.class);
  private final Scheduler scheduler;
  private final ContainerRepository repo;
  private final Consumer<Container> startLocked;

  /** {@code startLocked}: starts the container again, its monitor held; throws when it cannot. */
  Restarter(Scheduler scheduler, ContainerRepository repo, Consumer<Container> startLocked) {
    this.scheduler = scheduler;
    this.repo = repo;
    this.startLocked = startLocked;
  }

  /**
   * Call under {@code c}'s monitor once its exit is recorded (status exited): when the policy
   * restarts it, moves it to restarting (the caller saves) and schedules the start.
   */
  boolean afterExit(Container c, RestartPolicy policy) {
    Duration ran = Duration.between(Instant.parse(c.state.startedAt), scheduler.clock().instant());
    Optional<Duration> delay = policy.afterExit(c.state.exitCode, c.state.manuallyStopped, c.state.restartCount, ran);
    if (delay.isEmpty()) {
      return false;
    }
    c.state.to(c.id, ContainerStatus.RESTARTING);
    scheduler.after(delay.get(), () -> restartNow(c));
    return true;
  }

  /**
   * Daemon start, under {@code c}'s monitor: a container that ran before and is exited now is
   * started (on the scheduler, at once) when its policy says so ({@link
   * RestartPolicy#atDaemonStart}); the start clears a stop by hand, as {@code docker start}
   * does. True when a start was scheduled.
   */
  boolean atDaemonStart(Container c, RestartPolicy policy) {
    if (!c.state.is(ContainerStatus.EXITED) || !c.state.everStarted
        || !policy.atDaemonStart(c.state.exitCode, c.state.manuallyStopped, c.state.restartCount)) {
      return false;
    }
    scheduler.after(Duration.ZERO, () -> startAgain(c));
    return true;
  }

  private void startAgain(Container c) {
    synchronized (c) {
      if (!c.state.is(ContainerStatus.EXITED) || !repo.holds(c)) {
        return; // started or removed meanwhile
      }
      c.state.manuallyStopped = false;
      try {
        startLocked.accept(c);
      } catch (BerthException | java.io.UncheckedIOException e) {
        LOG.warn("start of {} at daemon start (restart policy {}) failed: {}", c.name,
            c.host().restartPolicy().name(), e.getMessage());
      }
    }
  }

  private void restartNow(Container c) {
    synchronized (c) {
      if (!c.state.is(ContainerStatus.RESTARTING) || !repo.holds(c)) {
        return; // stopped or removed during the back-off
      }
      c.state.restartCount++;
      try {
        startLocked.accept(c);
      } catch (BerthException | java.io.UncheckedIOException e) {
        LOG.warn("restart of {} failed: {}", c.name, e.getMessage());
        if (c.state.is(ContainerStatus.RESTARTING)) {
          c.state.to(c.id, ContainerStatus.EXITED);
        }
        repo.saveOrRetry(c);
      }
    }
  }
}
