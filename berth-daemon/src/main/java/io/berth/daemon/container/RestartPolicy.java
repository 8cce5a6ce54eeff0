package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;

/**
 * Docker's restart policies: whether a container that exited should be started again, and
 * after what back-off (100 ms doubling up to a minute, back to 100 ms once a run lasted 10 s).
 */
public record RestartPolicy(String name, int maximumRetryCount) {
  static final RestartPolicy NO = new RestartPolicy("no", 0);
  private static final Duration MAX_DELAY = Duration.ofMinutes(1);
  static final Duration RESET_AFTER = Duration.ofSeconds(10);

  public static RestartPolicy of(JsonNode hostConfig) {
    JsonNode rp = hostConfig.path("RestartPolicy");
    String n = rp.path("Name").asText("");
    return new RestartPolicy(n.isEmpty() ? "no" : n, rp.path("MaximumRetryCount").asInt(0));
  }

  /** Decides after an exit that was not caused by the daemon shutting down. */
  public boolean shouldRestart(int exitCode, boolean manuallyStopped, int restartCount) {
    if (manuallyStopped) {
      return false;
    }
    return switch (name) {
      case "always", "unless-stopped" -> true;
      case "on-failure" -> exitCode != 0
          && (maximumRetryCount == 0 || restartCount < maximumRetryCount);
      default -> false;
    };
  }

  /**
   * Decides at daemon start for a container that ran before and is not running now, as
   * dockerd's restore does: {@code always} starts even if it was stopped by hand (its docs:
   * "restarted only when Docker daemon restarts"), {@code unless-stopped} unless it was,
   * {@code on-failure} when its last exit code is not zero and retries are left (a stop's
   * 137/143 counts, as in dockerd; so does a run that a host reboot ended), {@code no} never.
   */
  public boolean atDaemonStart(int exitCode, boolean manuallyStopped, int restartCount) {
    return switch (name) {
      case "always" -> true;
      case "unless-stopped" -> !manuallyStopped;
      case "on-failure" -> exitCode != 0 && (maximumRetryCount == 0 || restartCount < maximumRetryCount);
      default -> false;
    };
  }

  /**
   * The back-off before starting again after a run that lasted {@code ran}, or empty when the
   * policy leaves the container exited. {@code restartCount}: restarts so far.
   */
  public Optional<Duration> afterExit(int exitCode, boolean manuallyStopped, int restartCount, Duration ran) {
    if (!shouldRestart(exitCode, manuallyStopped, restartCount)) {
      return Optional.empty();
    }
    return Optional.of(delay(ran.compareTo(RESET_AFTER) > 0 ? 0 : restartCount));
  }

  /** Back-off before restart number {@code attempt} (0-based) of the current streak. */
  public static Duration delay(int attempt) {
    long ms = 100L << Math.min(attempt, 20);
    return ms > MAX_DELAY.toMillis() ? MAX_DELAY : Duration.ofMillis(ms);
  }
}
