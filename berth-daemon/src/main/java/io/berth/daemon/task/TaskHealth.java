package io.berth.daemon.task;

import io.berth.cluster.agent.ContainerExit;
import io.berth.cluster.agent.ContainerExitedException;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnavailableException;
import io.berth.oci.ContainerConfig.HealthConfig;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker's rule for task containers with a health check (their spec's or their image's): the
 * task counts as started only once the container is healthy, and a container found unhealthy,
 * at start or later, is stopped and its task fails ("unhealthy container"). The container
 * service runs the probes; this watches their verdict in the container's state.
 */
final class TaskHealth {
  static final String UNHEALTHY = "unhealthy container";
  private static final Logger LOG = LoggerFactory.getLogger(TaskHealth.class);
  /** How often a running container's health is looked at. */
  private static final long LOOK_MILLIS = 500;
  private final ContainerService containers;
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final Set<String> stoppedUnhealthy = ConcurrentHashMap.newKeySet();

  TaskHealth(ContainerService containers) {
    this.containers = containers;
  }

  /**
   * Waits until the just started container is healthy (then watches it) or no longer runs (the
   * agent sees that exit); an unhealthy one is stopped and thrown as {@link ContainerExitedException}.
   * Bounded by the time the container's check needs at most to decide.
   */
  void awaitHealthy(String id) throws InterruptedException {
    Container c = containers.get(id);
    if (c.state.health == null) {
      return;
    }
    Duration bound = decisionBound(c);
    long deadline = System.nanoTime() + bound.toNanos();
    CompletableFuture<Integer> exit = containers.waitFor(id, "not-running");
    while (!exit.isDone()) {
      switch (status(id)) {
        case "healthy" -> {
          watch(id);
          return;
        }
        case "unhealthy" -> {
          int code = stopUnhealthy(id);
          throw new ContainerExitedException(id, new ContainerExit(code, UNHEALTHY));
        }
        default -> {
          if (System.nanoTime() > deadline) {
            throw new UnavailableException("container " + id + " has no health verdict after " + bound);
          }
          pause(exit);
        }
      }
    }
  }

  /** Watches a running container's health from now on (once per container): unhealthy means stopped. */
  void watch(String id) {
    if (!watched.add(id)) {
      return;
    }
    Thread.ofVirtual().name("task-health-" + id.substring(0, Math.min(12, id.length()))).start(() -> {
      try {
        CompletableFuture<Integer> exit = containers.waitFor(id, "not-running");
        while (!exit.isDone()) {
          if (status(id).equals("unhealthy")) {
            stopUnhealthy(id);
            return;
          }
          pause(exit);
        }
      } catch (NotFoundException gone) {
        // removed meanwhile: nothing left to watch
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        watched.remove(id);
      }
    });
  }

  /** Why the container exited as far as health goes: {@link #UNHEALTHY} if it was stopped for it, else empty. */
  String cause(String id) {
    return stoppedUnhealthy.contains(id) ? UNHEALTHY : "";
  }

  void forget(String id) {
    stoppedUnhealthy.remove(id);
  }

  private int stopUnhealthy(String id) {
    LOG.info("task container {} is unhealthy: stopping it", id);
    stoppedUnhealthy.add(id);
    containers.stop(id, null, null);
    return containers.get(id).state.exitCode;
  }

  private String status(String id) {
    Container c = containers.get(id);
    return c.state.health == null || c.state.health.status == null ? "" : c.state.health.status;
  }

  private static void pause(CompletableFuture<Integer> exit) throws InterruptedException {
    try {
      exit.get(LOOK_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException ignored) {
      // still running (or the waiter failed: looked at again)
    }
  }

  /** The longest a check takes to call a container healthy or unhealthy, with a minute to spare. */
  private static Duration decisionBound(Container c) {
    HealthConfig h = c.config.has("Healthcheck")
        ? RecordJson.MAPPER.convertValue(c.config.get("Healthcheck"), HealthConfig.class) : null;
    long interval = positive(h == null ? null : h.interval(), 30_000_000_000L);
    long timeout = positive(h == null ? null : h.timeout(), 30_000_000_000L);
    long start = positive(h == null ? null : h.startPeriod(), 0);
    int retries = h == null || h.retries() == null || h.retries() <= 0 ? 3 : h.retries();
    return Duration.ofNanos(start + (retries + 1L) * (interval + timeout)).plusMinutes(1);
  }

  private static long positive(Long nanos, long otherwise) {
    return nanos == null || nanos <= 0 ? otherwise : nanos;
  }
}
