package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.log.LogDriver;
import io.berth.runtime.log.LogOptions;
import io.berth.runtime.log.LogRotator;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A container's logging from create to removal: the daemon's defaults merged into
 * {@code HostConfig.LogConfig} and checked at create (as dockerd's mergeAndVerifyLogConfig),
 * where the log lives, and the rotator's part in each run (prepare before conmon, watch while it
 * runs, release after the exit).
 */
public final class ContainerLogging {
  private static final String NONE_BUFFER = "output.log";
  private final LogOptions defaults;
  private final LogRotator rotator;
  private final ContainerPaths paths;

  public ContainerLogging(LogOptions defaults, LogRotator rotator, ContainerPaths paths) {
    this.defaults = defaults;
    this.rotator = rotator;
    this.paths = paths;
  }

  public LogOptions defaults() {
    return defaults;
  }

  /**
   * Fills {@code HostConfig.LogConfig} from the daemon's defaults (its options only apply to a
   * container of the default driver) and refuses a driver or option Berth does not honour.
   */
  void configure(ObjectNode hostConfig) {
    JsonNode lc = hostConfig.path("LogConfig");
    String type = lc.path("Type").asText("");
    Map<String, String> opts = new TreeMap<>();
    JsonNode config = lc.path("Config");
    if (!config.isMissingNode() && !config.isNull() && !config.isObject()) {
      throw new InvalidArgumentException("invalid HostConfig.LogConfig.Config: expected an object of strings");
    }
    config.fields().forEachRemaining(e -> opts.put(e.getKey(), e.getValue().asText()));
    if (type.isEmpty()) {
      type = defaults.driver().wireName();
    }
    if (type.equals(defaults.driver().wireName())) {
      defaults.opts().forEach(opts::putIfAbsent);
    }
    LogOptions parsed = LogOptions.parse(type, opts);
    ObjectNode out = hostConfig.putObject("LogConfig");
    out.put("Type", parsed.driver().wireName());
    ObjectNode cfg = out.putObject("Config");
    parsed.opts().forEach(cfg::put);
  }

  /** The container's options as stored at create. */
  public LogOptions options(Container c) {
    return c.host().log();
  }

  /** The options stored in {@code hostConfig} at create (records from before logging options: json-file). */
  static LogOptions stored(JsonNode hostConfig) {
    JsonNode lc = hostConfig.path("LogConfig");
    Map<String, String> opts = new TreeMap<>();
    lc.path("Config").fields().forEachRemaining(e -> opts.put(e.getKey(), e.getValue().asText()));
    String type = lc.path("Type").asText("");
    return type.isEmpty() || type.equals("k8s-file") ? LogOptions.jsonFile() : LogOptions.parse(type, opts);
  }

  /**
   * The live file conmon writes: the container's log, or for the none driver a small buffer in
   * the runtime directory that only attached clients read.
   */
  public Path path(Container c) {
    return options(c).driver() == LogDriver.NONE ? paths.state(c.id).resolve(NONE_BUFFER) : paths.log(c.id);
  }

  /** inspect's LogPath: empty when no log is kept, as Docker's. */
  String inspectPath(Container c) {
    return options(c).driver() == LogDriver.NONE ? "" : paths.log(c.id).toString();
  }

  /** Before conmon starts: the {@code --log-size-max} to give it (-1: none). */
  long prepare(Container c) {
    return rotator.prepare(path(c), options(c));
  }

  /** While the container runs, also after berthd restarted. */
  void watch(Container c) {
    rotator.watch(path(c), options(c));
  }

  /** After the container's process ended. */
  void release(Container c) {
    rotator.release(path(c), options(c));
  }

  /** The container is gone with its files. */
  void forget(Container c) {
    rotator.forget(path(c));
  }
}
