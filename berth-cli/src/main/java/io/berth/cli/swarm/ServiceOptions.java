package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.ResourceFlags;
import io.berth.cli.format.Durations;
import picocli.CommandLine.Option;

/**
 * The flags {@code service create} and {@code service update} share (docker's service flags),
 * each applied to the spec only when given, as docker's {@code flags.Changed}: a null field is a
 * flag not given. Flags docker has and Berth does not honour are not defined, so picocli refuses
 * them by name.
 */
final class ServiceOptions {
  @Option(names = {"-d", "--detach"}, description = "Exit immediately instead of waiting for the service to converge")
  boolean detach;
  @Option(names = {"-q", "--quiet"}, description = "Suppress progress output") boolean quiet;
  @Option(names = {"-w", "--workdir"}, paramLabel = "string", description = "Working directory inside the container") String workdir;
  @Option(names = {"-u", "--user"}, paramLabel = "string", description = "Username or UID (format: <name|uid>[:<group|gid>])") String user;
  @Option(names = "--hostname", paramLabel = "string", description = "Container hostname") String hostname;
  @Option(names = "--entrypoint", paramLabel = "command", description = "Overwrite the default ENTRYPOINT of the image") String entrypoint;
  @Option(names = "--stop-grace-period", paramLabel = "duration",
      description = "Time to wait before force killing a container (ns|us|ms|s|m|h) (default 10s)") String stopGracePeriod;
  @Option(names = "--limit-cpu", paramLabel = "decimal", description = "Limit CPUs") String limitCpu;
  @Option(names = "--limit-memory", paramLabel = "bytes", description = "Limit Memory") String limitMemory;
  @Option(names = "--reserve-cpu", paramLabel = "decimal", description = "Reserve CPUs") String reserveCpu;
  @Option(names = "--reserve-memory", paramLabel = "bytes", description = "Reserve Memory") String reserveMemory;
  @Option(names = "--replicas", paramLabel = "uint", description = "Number of tasks") String replicas;
  @Option(names = "--replicas-max-per-node", paramLabel = "uint", description = "Maximum number of tasks per node (default 0 = unlimited)")
  String maxReplicas;
  @Option(names = "--restart-condition", paramLabel = "string", description = "Restart when condition is met (\"none\", \"on-failure\", \"any\") (default \"any\")")
  String restartCondition;
  @Option(names = "--restart-delay", paramLabel = "duration", description = "Delay between restart attempts (ns|us|ms|s|m|h) (default 5s)")
  String restartDelay;
  @Option(names = "--restart-max-attempts", paramLabel = "uint", description = "Maximum number of restarts before giving up")
  String restartMaxAttempts;
  @Option(names = "--restart-window", paramLabel = "duration", description = "Window used to evaluate the restart policy (ns|us|ms|s|m|h)")
  String restartWindow;
  @Option(names = "--with-registry-auth", description = "Send registry authentication details to swarm agents") boolean withRegistryAuth;
  @Option(names = "--no-resolve-image", description = "Do not query the registry to resolve image digest and supported platforms")
  boolean noResolveImage;
  @Option(names = "--health-cmd", paramLabel = "string", description = "Command to run to check health") String healthCmd;
  @Option(names = "--health-interval", paramLabel = "duration", description = "Time between running the check (ms|s|m|h)") String healthInterval;
  @Option(names = "--health-timeout", paramLabel = "duration", description = "Maximum time to allow one check to run (ms|s|m|h)") String healthTimeout;
  @Option(names = "--health-retries", paramLabel = "int", description = "Consecutive failures needed to report unhealthy") Integer healthRetries;
  @Option(names = "--health-start-period", paramLabel = "duration",
      description = "Start period for the container to initialize before counting retries towards unstable (ms|s|m|h)") String healthStartPeriod;
  @Option(names = "--health-start-interval", paramLabel = "duration",
      description = "Time between running the check during the start period (ms|s|m|h)") String healthStartInterval;
  @Option(names = "--endpoint-mode", paramLabel = "string", description = "Endpoint mode (vip or dnsrr) (default \"vip\")") String endpointMode;
  @Option(names = "--no-healthcheck", description = "Disable any container-specified HEALTHCHECK") boolean noHealthcheck;

  /** Docker's restart policy defaults (swarmkit's): condition any, 5 s delay, no attempt limit. */
  static final long DEFAULT_RESTART_DELAY = 5_000_000_000L;

  boolean restartChanged() {
    return restartCondition != null || restartDelay != null || restartMaxAttempts != null || restartWindow != null;
  }

  boolean healthChanged() {
    return healthCmd != null || healthInterval != null || healthTimeout != null || healthRetries != null
        || healthStartPeriod != null || healthStartInterval != null;
  }

  /**
   * Sets the given container fields ({@code --workdir}, {@code --user}, {@code --hostname},
   * {@code --entrypoint} split as a shell would, {@code --stop-grace-period}).
   */
  void applyContainer(ObjectNode cs) {
    if (entrypoint != null) {
      ArrayNode c = cs.putArray("Command");
      ShellWords.split(entrypoint, "--entrypoint").forEach(c::add);
    }
    if (stopGracePeriod != null) {
      cs.put("StopGracePeriod", Durations.nanos(stopGracePeriod, "--stop-grace-period"));
    }
    if (workdir != null) {
      cs.put("Dir", workdir);
    }
    if (user != null) {
      cs.put("User", user);
    }
    if (hostname != null) {
      cs.put("Hostname", hostname);
    }
  }

  /** Sets the given limits and reservations on a Resources object (made by the caller). */
  void applyResources(ObjectNode resources) {
    ObjectNode limits = resources.withObjectProperty("Limits");
    ObjectNode reservations = resources.withObjectProperty("Reservations");
    if (limitCpu != null) {
      limits.put("NanoCPUs", ResourceFlags.nanoCpus(limitCpu, "--limit-cpu"));
    }
    if (limitMemory != null) {
      limits.put("MemoryBytes", ResourceFlags.bytes(limitMemory, "--limit-memory"));
    }
    if (reserveCpu != null) {
      reservations.put("NanoCPUs", ResourceFlags.nanoCpus(reserveCpu, "--reserve-cpu"));
    }
    if (reserveMemory != null) {
      reservations.put("MemoryBytes", ResourceFlags.bytes(reserveMemory, "--reserve-memory"));
    }
  }

  /**
   * Sets the given restart flags on {@code template}'s RestartPolicy, starting from docker's
   * defaults when the template has none; nothing when no restart flag was given.
   */
  void applyRestart(ObjectNode template) {
    if (!restartChanged()) {
      return;
    }
    ObjectNode p;
    if (template.path("RestartPolicy").isObject()) {
      p = (ObjectNode) template.get("RestartPolicy");
    } else {
      p = template.putObject("RestartPolicy");
      p.put("Condition", "any");
      p.put("Delay", DEFAULT_RESTART_DELAY);
      p.put("MaxAttempts", 0);
    }
    if (restartCondition != null) {
      p.put("Condition", restartCondition);
    }
    if (restartDelay != null) {
      p.put("Delay", Durations.nanos(restartDelay, "--restart-delay"));
    }
    if (restartMaxAttempts != null) {
      p.put("MaxAttempts", uint(restartMaxAttempts, "--restart-max-attempts"));
    }
    if (restartWindow != null) {
      p.put("Window", Durations.nanos(restartWindow, "--restart-window"));
    }
  }

  /**
   * The container's Healthcheck from the health flags, over {@code current} (null at create):
   * {@code --no-healthcheck} is {@code ["NONE"]} and conflicts with the others; {@code --health-cmd}
   * runs through the shell ({@code CMD-SHELL}). Null when no health flag was given.
   */
  ObjectNode healthcheck(JsonNode current) {
    if (noHealthcheck) {
      if (healthChanged()) {
        throw new IllegalArgumentException("--no-healthcheck conflicts with --health-* options");
      }
      ObjectNode h = io.berth.cli.commands.Base.obj();
      h.putArray("Test").add("NONE");
      return h;
    }
    if (!healthChanged()) {
      return null;
    }
    ObjectNode h = current != null && current.isObject() ? ((ObjectNode) current).deepCopy() : io.berth.cli.commands.Base.obj();
    if (h.path("Test").size() == 1 && h.path("Test").get(0).asText().equals("NONE")) {
      h.remove("Test");
    }
    if (healthCmd != null) {
      ArrayNode test = h.putArray("Test");
      test.add("CMD-SHELL").add(healthCmd);
    }
    duration(h, "Interval", healthInterval, "--health-interval");
    duration(h, "Timeout", healthTimeout, "--health-timeout");
    duration(h, "StartPeriod", healthStartPeriod, "--health-start-period");
    duration(h, "StartInterval", healthStartInterval, "--health-start-interval");
    if (healthRetries != null) {
      h.put("Retries", healthRetries);
    }
    return h;
  }

  private static void duration(ObjectNode h, String field, String value, String flag) {
    if (value != null) {
      long n = Durations.nanos(value, flag);
      if (n < 0) {
        throw new IllegalArgumentException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: duration cannot be negative");
      }
      h.put(field, n);
    }
  }

  /** An unsigned flag value as docker's ParseUint reads it, with its words when it is not one. */
  static long uint(String value, String flag) {
    try {
      long v = Long.parseUnsignedLong(value);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: strconv.ParseUint: parsing \""
          + value + "\": " + (value.matches("\\d+") ? "value out of range" : "invalid syntax"));
    }
  }
}
