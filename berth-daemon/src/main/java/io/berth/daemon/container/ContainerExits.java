package io.berth.daemon.container;

import io.berth.errdefs.BerthException;
import io.berth.runtime.RuntimeState;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of containers' exits: the future of each current run (what stop, restart,
 * removal and attach wait on), the {@code docker wait} waiters ({@link ExitWaiters}, answered
 * only from here) and what follows an exit. A virtual thread per running container waits on the
 * runtime's exit file (the runtime's exit watcher is only the source of the event), then the
 * exit is recorded (clean-up, state, OOM), announced, the run's future and waiters completed,
 * and the restart policy ({@link Restarter}) or auto-removal applied. Live restore ({@link
 * #recover}) re-attaches to containers that kept running while the daemon was away. The
 * lifecycle ({@link ContainerService}) starts and removes and tells this class ({@link
 * #startFailed}, {@link #removed}); it keeps no exit state of its own.
 */
final class ContainerExits {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerExits.class);
  private final ContainerRepository repo;
  private final RuntimeState runtime;
  private final ContainerRunner runner;
  private final ContainerPaths paths;
  private final ContainerLogging logging;
  private final ContainerNetworks networks;
  private final ExitWaiters waiters = new ExitWaiters();
  private final Clock clock;
  private final Scheduler scheduler;
  private final Lifecycle lifecycle;
  private final Restarter restarter;
  private final Map<String, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();

  /** What an exit leads back to in the lifecycle. */
  interface Lifecycle {
    /** Starts {@code c} again; its monitor is held. */
    void startLocked(Container c);

    /** Removes {@code c} and its anonymous volumes, as {@code docker run --rm} does. */
    void autoRemove(Container c);

    void emit(Container c, String action, Map<String, String> extra);
  }

  ContainerExits(ContainerRepository repo, RuntimeState runtime, ContainerRunner runner, ContainerPaths paths,
      ContainerLogging logging, ContainerNetworks networks, Scheduler scheduler, Lifecycle lifecycle) {
    this.repo = repo;
    this.runtime = runtime;
    this.runner = runner;
    this.paths = paths;
    this.logging = logging;
    this.networks = networks;
    this.clock = scheduler.clock();
    this.scheduler = scheduler;
    this.lifecycle = lifecycle;
    this.restarter = new Restarter(scheduler, repo, lifecycle::startLocked);
  }

  /** The future of the run {@code c} starts now: completed with its exit code. */
  CompletableFuture<Integer> expect(Container c) {
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    exits.put(c.id, exit);
    return exit;
  }

  /** Waits up to {@code seconds} for a run's exit; true when it came (or there is no run to wait for). */
  static boolean await(CompletableFuture<Integer> exit, long seconds) {
    if (exit == null) {
      return true;
    }
    try {
      exit.get(seconds, java.util.concurrent.TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    }
  }

  /** The future of the last run's exit (completed once it exited), or null before a first start. */
  CompletableFuture<Integer> current(String id) {
    return exits.get(id);
  }

  /**
   * A {@code docker wait}: {@code not-running} (default) completes at once for a stopped
   * container, {@code next-exit} at the next exit, {@code removed} when the container is gone.
   * Call under {@code c}'s monitor, so that no exit slips between the check and the registration.
   */
  CompletableFuture<Integer> waitFor(Container c, String condition) {
    if (c.removed) {
      // removed between the lookup and here: the waiters were already completed (run --rm
      // sends its wait while the container starts, and a quick one can be gone before it lands)
      waiters.validate(condition);
      return CompletableFuture.completedFuture(c.state.exitCode);
    }
    return waiters.register(c, condition);
  }

  /** A start that failed ends the "next exit" a waiter registered before it was waiting for. */
  void startFailed(Container c) {
    waiters.complete(c, "next-exit", c.state.exitCode);
  }

  /** {@code c} is gone: every waiter is answered with its last exit code, and nothing of it is kept. */
  void removed(Container c) {
    int code = c.state.exitCode;
    waiters.complete(c, "removed", code);
    waiters.complete(c, "next-exit", code);
    waiters.complete(c, "not-running", code);
    waiters.forget(c);
    exits.remove(c.id);
  }

  /**
   * Live restore: re-attaches to containers that kept running while the daemon was away (and
   * has {@code health}, if any, watch them again) and processes the exits that happened
   * meanwhile, so restart policies still apply; containers already exited start again when
   * their restart policy says so at a daemon start ({@link RestartPolicy#atDaemonStart}), and
   * {@code --rm} containers not running are removed.
   */
  void recover(HealthMonitor health) {
    for (Container c : repo.all()) {
      synchronized (c) {
        if (!c.state.running()) {
          if (restarter.atDaemonStart(c, c.host().restartPolicy())) {
            LOG.info("starting container {} ({}): restart policy {}", c.name, c.shortId(),
                c.host().restartPolicy().name());
          } else if (c.host().autoRemove()) {
            scheduler.after(Duration.ZERO, () -> removeAtDaemonStart(c));
          }
          continue;
        }
        RuntimeState.State st = runtime.state(c.id);
        CompletableFuture<Integer> exit = expect(c);
        try {
          networks.restore(c);
        } catch (RuntimeException e) {
          LOG.warn("restoring network of {}: {}", c.name, e.getMessage());
        }
        if (st.status() == RuntimeState.Status.RUNNING || st.status() == RuntimeState.Status.PAUSED) {
          LOG.info("container {} ({}) still running with pid {}", c.name, c.shortId(), st.pid());
          c.state.pid = st.pid();
          ContainerStatus seen = st.status() == RuntimeState.Status.PAUSED ? ContainerStatus.PAUSED : ContainerStatus.RUNNING;
          if (c.state.status().canGo(seen)) { // (restarting to paused cannot be: it keeps its status)
            c.state.to(c.id, seen);
          }
          repo.saveOrRetry(c);
          try {
            logging.watch(c); // files what conmon rotated while berthd was away
          } catch (RuntimeException e) {
            LOG.warn("log rotation of {}: {}", c.name, e.getMessage());
          }
          watch(c, exit);
          if (health != null) {
            health.watch(c);
          }
        } else {
          int code = runtime.exitCode(c.id, paths.state(c.id)).orElse(255);
          LOG.info("container {} exited with {} while the daemon was down", c.name, code);
          Thread.ofVirtual().start(() -> onExit(c, code, exit));
        }
      }
    }
  }

  /**
   * Daemon start: a {@code --rm} container that is not running (it exited before its removal
   * came, or was only created) is removed with its anonymous volumes, as dockerd's restore
   * does; one started or removed meanwhile is left alone.
   */
  private void removeAtDaemonStart(Container c) {
    synchronized (c) {
      if (c.state.running() || !repo.holds(c)) {
        return;
      }
    }
    LOG.info("removing container {} ({}): --rm and not running at daemon start", c.name, c.shortId());
    try {
      lifecycle.autoRemove(c);
    } catch (BerthException e) {
      LOG.warn("removal of {} at daemon start failed: {}", c.name, e.getMessage());
    }
  }

  /** Waits for {@code c}'s exit on a virtual thread of its own and then handles it. */
  void watch(Container c, CompletableFuture<Integer> exit) {
    Thread.ofVirtual().name("exit-" + c.shortId()).start(() -> {
      try {
        Optional<Integer> code = runtime.awaitExit(c.id, paths.state(c.id), Duration.ofDays(36500));
        onExit(c, code.orElse(255), exit);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.error("watching {} failed", c.id, e);
      }
    });
  }

  private void onExit(Container c, int code, CompletableFuture<Integer> exit) {
    boolean restart;
    synchronized (c) {
      if (!repo.all().contains(c)) {
        exit.complete(code);
        return;
      }
      boolean oom = oomKilled(c);
      try {
        runner.teardown(c);
      } catch (RuntimeException e) { // the exit is known: whatever the clean-up hit, waiters are answered
        LOG.warn("cleaning up after {} exited: {}", c.id, e.toString());
      }
      restart = false;
      if (c.state.status().canGo(ContainerStatus.EXITED)) {
        c.state.to(c.id, ContainerStatus.EXITED);
        c.state.pid = 0;
        c.state.exitCode = code;
        c.state.oomKilled = oom;
        c.state.finishedAt = clock.instant().toString();
        restart = restarter.afterExit(c, c.host().restartPolicy());
        if (restart || !c.host().autoRemove()) {
          repo.saveOrRetry(c); // an auto-removed record is deleted next: saved only if that fails
        }
      } else { // being removed: the removal has the last word, the exit is still answered
        LOG.debug("exit of {} while {}", c.id, c.state.status());
      }
    }
    if (oomKilledEvent(c)) {
      lifecycle.emit(c, "oom", Map.of());
    }
    lifecycle.emit(c, "die", Map.of("exitCode", Integer.toString(code)));
    exit.complete(code);
    waiters.complete(c, "next-exit", code);
    waiters.complete(c, "not-running", code);
    if (!restart && c.host().autoRemove()) {
      try {
        lifecycle.autoRemove(c);
      } catch (BerthException | java.io.UncheckedIOException e) {
        LOG.debug("auto-remove of {}: {}", c.id, e.getMessage()); // kept as exited (or removed meanwhile)
        synchronized (c) {
          if (repo.all().contains(c)) {
            repo.saveOrRetry(c);
          }
        }
      }
    }
  }

  private boolean oomKilled(Container c) {
    try {
      return runtime.oomKilled(c.id);
    } catch (RuntimeException e) {
      LOG.warn("reading whether {} was killed for memory: {}", c.id, e.toString());
      return false;
    }
  }

  private boolean oomKilledEvent(Container c) {
    return c.state.oomKilled;
  }
}
