package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's health check (Config.Healthcheck: the image's HEALTHCHECK or {@code --health-*})
 * with Docker's defaults filled in, and Docker's (API 1.47) rules: when the next probe runs
 * (every start interval while a container in its start period is still starting, else every
 * interval) and what one result does to the health state
 * (a failure of a starting container in its start period does not count, {@code retries}
 * consecutive ones make it unhealthy, one success makes it healthy, the last five results are
 * kept for inspect).
 */
record HealthCheck(List<String> command, Duration interval, Duration timeout, Duration startPeriod,
    Duration startInterval, int retries) {
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  static final Duration DEFAULT_START_INTERVAL = Duration.ofSeconds(5);
  static final int DEFAULT_RETRIES = 3;
  static final int KEPT_RESULTS = 5;
  static final String STARTING = "starting";

  /** The check of a container's Config, or null when it has none (or NONE). */
  static HealthCheck of(JsonNode config) {
    JsonNode hc = config.path("Healthcheck");
    JsonNode test = hc.path("Test");
    if (!test.isArray() || test.isEmpty()) {
      return null;
    }
    List<String> rest = new ArrayList<>();
    for (int i = 1; i < test.size(); i++) {
      rest.add(test.get(i).asText());
    }
    List<String> command = switch (test.get(0).asText()) {
      case "CMD" -> rest.isEmpty() ? null : List.copyOf(rest);
      case "CMD-SHELL" -> List.of("/bin/sh", "-c", String.join(" ", rest));
      default -> null;
    };
    if (command == null) {
      return null;
    }
    int retries = hc.path("Retries").asInt(0);
    return new HealthCheck(command, nanos(hc.path("Interval"), DEFAULT_INTERVAL),
        nanos(hc.path("Timeout"), DEFAULT_INTERVAL), nanos(hc.path("StartPeriod"), Duration.ZERO),
        nanos(hc.path("StartInterval"), DEFAULT_START_INTERVAL), retries > 0 ? retries : DEFAULT_RETRIES);
  }

  /** The wait before the next probe, {@code sinceStart} into the run, with the health status {@code status}. */
  Duration next(Duration sinceStart, String status) {
    return sinceStart.compareTo(startPeriod) < 0 && status.equals(STARTING) ? startInterval : interval;
  }

  /**
   * Applies one probe result to {@code h}; returns the new status when it changed, else null.
   * {@code sinceStart}: how long the container had run when the probe started.
   */
  String record(ContainerState.Health h, ContainerState.Probe result, Duration sinceStart) {
    h.log.add(result);
    while (h.log.size() > KEPT_RESULTS) {
      h.log.removeFirst();
    }
    String before = h.status;
    if (result.exitCode == 0) {
      h.failingStreak = 0;
      h.status = "healthy";
    } else if (!before.equals(STARTING) || sinceStart.compareTo(startPeriod) >= 0) {
      h.failingStreak++;
      if (h.failingStreak >= retries) {
        h.status = "unhealthy";
      }
    }
    return before.equals(h.status) ? null : h.status;
  }

  private static Duration nanos(JsonNode n, Duration dflt) {
    long v = n.asLong(0);
    return v > 0 ? Duration.ofNanos(v) : dflt;
  }
}
