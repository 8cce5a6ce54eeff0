package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What start, stop, events and the health monitor take from a container's Config (after the
 * image's defaults were merged in at create), read once as {@link HostSpec} is from HostConfig.
 * Hostname and Domainname are not here: joining another container's network namespace takes
 * that container's names into the Config at each start.
 *
 * @param env the environment as given ({@code KEY=value})
 * @param tty whether the process gets a terminal
 * @param labels the container's labels, in the order given
 * @param volumes the Config.Volumes targets (the image's VOLUMEs and {@code -v /path}): anonymous volumes
 * @param stopSignal the signal {@code docker stop} sends first (SIGTERM when unset)
 * @param stopTimeout seconds before {@code docker stop} kills, or null for the daemon's 10
 * @param health the health check, or null without one
 * @param exposedPorts Config.ExposedPorts' keys ({@code 80/tcp}), the image's and the request's
 * @param hostname the container's hostname, or null in a record without one (create always sets it)
 * @param domainname its domain name, empty without one
 */
record ConfigSpec(List<String> env, String workingDir, String user, boolean tty, boolean openStdin, boolean stdinOnce,
    Map<String, String> labels, List<String> volumes, String stopSignal, Integer stopTimeout, HealthCheck health,
    List<String> exposedPorts, String hostname, String domainname) {
  static final int DEFAULT_STOP_TIMEOUT = 10;

  static ConfigSpec of(JsonNode config) {
    String signal = config.path("StopSignal").asText("");
    JsonNode timeout = config.get("StopTimeout");
    Map<String, String> labels = new LinkedHashMap<>();
    config.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    List<String> volumes = new ArrayList<>();
    config.path("Volumes").fieldNames().forEachRemaining(volumes::add);
    JsonNode hostname = config.get("Hostname");
    List<String> exposed = new ArrayList<>();
    config.path("ExposedPorts").fieldNames().forEachRemaining(exposed::add);
    return new ConfigSpec(
        List.copyOf(ContainerFactory.strings(config.get("Env"))),
        config.path("WorkingDir").asText(""),
        config.path("User").asText(""),
        config.path("Tty").asBoolean(false),
        config.path("OpenStdin").asBoolean(false),
        config.path("StdinOnce").asBoolean(false),
        Collections.unmodifiableMap(labels),
        List.copyOf(volumes),
        signal.isEmpty() ? "SIGTERM" : signal,
        timeout == null || timeout.isNull() ? null : timeout.asInt(DEFAULT_STOP_TIMEOUT),
        HealthCheck.of(config),
        // keys as stored; parsed where used (publish-all, link variables), as before, so an
        // odd key in an image's config fails only what needs it
        List.copyOf(exposed),
        hostname == null || hostname.isNull() ? null : hostname.asText(),
        config.path("Domainname").asText(""));
  }

  /** The hostname the container gets: its own, else its short id (as in Docker). */
  String hostnameOr(String shortId) {
    return hostname == null ? shortId : hostname;
  }

  /** The same with another container's names (network mode {@code container:NAME}). */
  ConfigSpec withNames(String hostname, String domainname) {
    return new ConfigSpec(env, workingDir, user, tty, openStdin, stdinOnce, labels, volumes, stopSignal, stopTimeout,
        health, exposedPorts, hostname, domainname);
  }

  /** The seconds {@code docker stop} waits when the request names none. */
  int stopTimeoutOrDefault() {
    return stopTimeout == null ? DEFAULT_STOP_TIMEOUT : stopTimeout;
  }
}
