package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.format.Durations;
import picocli.CommandLine.Option;

/**
 * The swarm settings {@code swarm init} and {@code swarm update} share, merged into a swarm Spec
 * only when given (docker's mergeSwarmSpec): task history, heartbeat period, node certificate
 * lifetime. A null field is a flag not given.
 */
final class SwarmSpecFlags {
  @Option(names = "--task-history-limit", paramLabel = "int", description = "Task history retention limit (default 5)") Long taskHistoryLimit;
  @Option(names = "--dispatcher-heartbeat", paramLabel = "duration", description = "Dispatcher heartbeat period (ns|us|ms|s|m|h) (default 5s)")
  String dispatcherHeartbeat;
  @Option(names = "--cert-expiry", paramLabel = "duration", description = "Validity period for node certificates (ns|us|ms|s|m|h) (default 2160h0m0s)")
  String certExpiry;

  void merge(ObjectNode spec) {
    if (taskHistoryLimit != null) {
      spec.withObjectProperty("Orchestration").put("TaskHistoryRetentionLimit", taskHistoryLimit);
    }
    if (dispatcherHeartbeat != null) {
      spec.withObjectProperty("Dispatcher").put("HeartbeatPeriod", Durations.nanos(dispatcherHeartbeat, "--dispatcher-heartbeat"));
    }
    if (certExpiry != null) {
      spec.withObjectProperty("CAConfig").put("NodeCertExpiry", Durations.nanos(certExpiry, "--cert-expiry"));
    }
  }

  boolean any() {
    return taskHistoryLimit != null || dispatcherHeartbeat != null || certExpiry != null;
  }
}
