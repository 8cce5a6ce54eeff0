package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import io.berth.cli.format.Durations;
import picocli.CommandLine.Option;

/**
 * The rolling-update and rollback settings of {@code service create/update}
 * ({@code --update-*}, {@code --rollback-*}) as docker sets them: when any flag of a group is
 * given, the group's config is the service's (or swarmkit's defaults: one task at a time,
 * 5 s monitor, pause on failure, stop-first) with the given fields replaced. Failure actions and
 * orders go to the daemon as written, which refuses a bad one by name, as docker leaves them.
 */
final class UpdateFlags {
  @Option(names = "--update-parallelism", paramLabel = "uint", description = "Maximum number of tasks updated simultaneously (0 to update all at once) (default 1)")
  String updateParallelism;
  @Option(names = "--update-delay", paramLabel = "duration", description = "Delay between updates (ns|us|ms|s|m|h) (default 0s)") String updateDelay;
  @Option(names = "--update-monitor", paramLabel = "duration", description = "Duration after each task update to monitor for failure (ns|us|ms|s|m|h) (default 5s)")
  String updateMonitor;
  @Option(names = "--update-failure-action", paramLabel = "string", description = "Action on update failure (\"pause\", \"continue\", \"rollback\") (default \"pause\")")
  String updateFailureAction;
  @Option(names = "--update-max-failure-ratio", paramLabel = "float", description = "Failure rate to tolerate during an update (default 0)")
  String updateMaxFailureRatio;
  @Option(names = "--update-order", paramLabel = "string", description = "Update order (\"start-first\", \"stop-first\") (default \"stop-first\")")
  String updateOrder;
  @Option(names = "--rollback-parallelism", paramLabel = "uint", description = "Maximum number of tasks rolled back simultaneously (0 to roll back all at once) (default 1)")
  String rollbackParallelism;
  @Option(names = "--rollback-delay", paramLabel = "duration", description = "Delay between task rollbacks (ns|us|ms|s|m|h) (default 0s)") String rollbackDelay;
  @Option(names = "--rollback-monitor", paramLabel = "duration", description = "Duration after each task rollback to monitor for failure (ns|us|ms|s|m|h) (default 5s)")
  String rollbackMonitor;
  @Option(names = "--rollback-failure-action", paramLabel = "string", description = "Action on rollback failure (\"pause\", \"continue\") (default \"pause\")")
  String rollbackFailureAction;
  @Option(names = "--rollback-max-failure-ratio", paramLabel = "float", description = "Failure rate to tolerate during a rollback (default 0)")
  String rollbackMaxFailureRatio;
  @Option(names = "--rollback-order", paramLabel = "string", description = "Rollback order (\"start-first\", \"stop-first\") (default \"stop-first\")")
  String rollbackOrder;

  /** swarmkit's monitor period for updates and rollbacks alike. */
  static final long DEFAULT_MONITOR = 5_000_000_000L;

  boolean updateChanged() {
    return updateParallelism != null || updateDelay != null || updateMonitor != null || updateFailureAction != null
        || updateMaxFailureRatio != null || updateOrder != null;
  }

  boolean rollbackChanged() {
    return rollbackParallelism != null || rollbackDelay != null || rollbackMonitor != null || rollbackFailureAction != null
        || rollbackMaxFailureRatio != null || rollbackOrder != null;
  }

  /** Sets UpdateConfig and RollbackConfig on {@code spec} for the groups given, over what the spec has. */
  void apply(ObjectNode spec) {
    if (updateChanged()) {
      spec.set("UpdateConfig", merge(spec.get("UpdateConfig"), "--update-", updateParallelism, updateDelay, updateMonitor,
          updateFailureAction, updateMaxFailureRatio, updateOrder));
    }
    if (rollbackChanged()) {
      spec.set("RollbackConfig", merge(spec.get("RollbackConfig"), "--rollback-", rollbackParallelism, rollbackDelay,
          rollbackMonitor, rollbackFailureAction, rollbackMaxFailureRatio, rollbackOrder));
    }
  }

  private static ObjectNode merge(JsonNode current, String prefix, String parallelism, String delay, String monitor,
      String failureAction, String maxFailureRatio, String order) {
    ObjectNode c;
    if (current != null && current.isObject()) {
      c = ((ObjectNode) current).deepCopy();
    } else {
      c = Base.obj();
      c.put("Parallelism", 1);
      c.put("FailureAction", "pause");
      c.put("Monitor", DEFAULT_MONITOR);
      c.put("MaxFailureRatio", 0);
      c.put("Order", "stop-first");
    }
    if (parallelism != null) {
      c.put("Parallelism", ServiceOptions.uint(parallelism, prefix + "parallelism"));
    }
    if (delay != null) {
      omitZero(c, "Delay", Durations.nanos(delay, prefix + "delay"));
    }
    if (monitor != null) {
      omitZero(c, "Monitor", Durations.nanos(monitor, prefix + "monitor"));
    }
    if (failureAction != null) {
      if (failureAction.isEmpty()) {
        c.remove("FailureAction");
      } else {
        c.put("FailureAction", failureAction);
      }
    }
    if (maxFailureRatio != null) {
      float r = ratio(maxFailureRatio, prefix + "max-failure-ratio");
      if (r == (long) r) {
        c.put("MaxFailureRatio", (long) r);
      } else {
        c.put("MaxFailureRatio", r);
      }
    }
    if (order != null) {
      c.put("Order", order);
    }
    return c;
  }

  /** Docker's Delay and Monitor are omitted from the JSON when zero. */
  private static void omitZero(ObjectNode c, String field, long nanos) {
    if (nanos == 0) {
      c.remove(field);
    } else {
      c.put(field, nanos);
    }
  }

  /** Go's ParseFloat(s, 32), with pflag's words for a value that is not a number. */
  static float ratio(String value, String flag) {
    if (!value.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
      throw new IllegalArgumentException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: strconv.ParseFloat: parsing \""
          + value + "\": invalid syntax");
    }
    return Float.parseFloat(value);
  }
}
