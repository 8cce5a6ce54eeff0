package io.berth.daemon.metrics;

import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Containers by state ({@code berth_containers{state="running"}}, one series per Docker state,
 * counted from the container records at scrape time) and how long starts take
 * ({@code berth_container_start_seconds}, a histogram).
 */
public final class ContainerMeters {
  private ContainerMeters() {
  }

  public static void bind(MeterRegistry registry, ContainerService containers) {
    for (ContainerStatus state : ContainerStatus.values()) {
      Gauge.builder("berth.containers", () -> count(containers, state))
          .description("Containers in each state, as docker ps -a shows them")
          .tag("state", state.wire()).register(registry);
    }
    Timer starts = Timer.builder("berth.container.start")
        .description("Time from a start request to the container's process running (runc, network, mounts)")
        .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10))
        .register(registry);
    containers.observeStarts(nanos -> starts.record(Duration.ofNanos(nanos)));
  }

  private static long count(ContainerService containers, ContainerStatus state) {
    return containers.list().stream().filter(c -> c.state.status() == state).count();
  }
}
