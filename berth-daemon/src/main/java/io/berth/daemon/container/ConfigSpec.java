package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What start, stop and the health monitor take from a container's Config (after the image's
 * defaults were merged in at create), read once as {@link HostSpec} is from HostConfig.
 *
 * @param stopSignal the signal {@code docker stop} sends first (SIGTERM when unset)
 * @param stopTimeout seconds before {@code docker stop} kills, or null for the daemon's 10
 * @param health the health check, or null without one
 */
record ConfigSpec(String stopSignal, Integer stopTimeout, HealthCheck health) {
  static final int DEFAULT_STOP_TIMEOUT = 10;

  static ConfigSpec of(JsonNode config) {
    String signal = config.path("StopSignal").asText("");
    JsonNode timeout = config.get("StopTimeout");
    return new ConfigSpec(signal.isEmpty() ? "SIGTERM" : signal,
        timeout == null || timeout.isNull() ? null : timeout.asInt(DEFAULT_STOP_TIMEOUT),
        HealthCheck.of(config));
  }

  /** The seconds {@code docker stop} waits when the request names none. */
  int stopTimeoutOrDefault() {
    return stopTimeout == null ? DEFAULT_STOP_TIMEOUT : stopTimeout;
  }
}
