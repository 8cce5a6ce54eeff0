package io.berth.daemon.container;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Runs each running container's health check on the {@link Scheduler}: probes of the run it was
 * started for (a new run or a stop ends the chain) at the times {@link HealthCheck#next} says,
 * each result applied with {@link HealthCheck#record}, the state saved and a change announced as
 * {@code health_status}.
 */
final class HealthMonitor {
  private final Scheduler scheduler;
  private final Prober prober;
  private final Consumer<Container> save;
  private final BiConsumer<Container, String> announce;

  /** Runs one probe in the container; a failure to run it is a failed probe, not an exception. */
  interface Prober {
    ContainerState.Probe run(Container c, List<String> command, Duration timeout);
  }

  /** {@code announce}: the container and its new health status. */
  HealthMonitor(Scheduler scheduler, Prober prober, Consumer<Container> save, BiConsumer<Container, String> announce) {
    this.scheduler = scheduler;
    this.prober = prober;
    this.save = save;
    this.announce = announce;
  }

  /** The health state a run starts with: starting, or null without a check. */
  static ContainerState.Health initialState(Container c) {
    return c.configSpec().health() == null ? null : new ContainerState.Health();
  }

  /** Starts probing the current run of {@code c} (a no-op without a check). */
  void watch(Container c) {
    HealthCheck check = c.configSpec().health();
    if (check != null) {
      String run = c.state.startedAt;
      scheduler.after(check.next(sinceStart(run), HealthCheck.STARTING), () -> probe(c, check, run));
    }
  }

  private void probe(Container c, HealthCheck check, String run) {
    synchronized (c) {
      if (!sameRun(c, run)) {
        return;
      }
    }
    Duration probeStart = sinceStart(run);
    ContainerState.Probe result = prober.run(c, check.command(), check.timeout());
    String changed;
    String status;
    synchronized (c) {
      if (!sameRun(c, run) || c.state.health == null) {
        return;
      }
      changed = check.record(c.state.health, result, probeStart);
      status = c.state.health.status;
      save.accept(c);
    }
    if (changed != null) {
      announce.accept(c, changed);
    }
    scheduler.after(check.next(sinceStart(run), status), () -> probe(c, check, run));
  }

  private Duration sinceStart(String run) {
    return Duration.between(Instant.parse(run), scheduler.clock().instant());
  }

  private static boolean sameRun(Container c, String run) {
    return c.state.is(ContainerStatus.RUNNING) && c.state.startedAt.equals(run);
  }
}
