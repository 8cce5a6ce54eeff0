package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.util.Map;

/**
 * What the user sets on the swarm ({@code docker swarm init/update}): the knobs the managers'
 * loops read. Durations are nanoseconds as on Docker's wire. Only the settings Berth honours are
 * fields here; the Engine API boundary refuses the others by name.
 */
public record SwarmSpec(
    @JsonProperty("Name") String name,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("Orchestration") Orchestration orchestration,
    @JsonProperty("Dispatcher") Dispatcher dispatcher,
    @JsonProperty("CAConfig") CaConfig caConfig,
    @JsonProperty("EncryptionConfig") EncryptionConfig encryptionConfig) {
  /** How many finished tasks each slot keeps in {@code service ps} (Docker's default 5). */
  public record Orchestration(@JsonProperty("TaskHistoryRetentionLimit") long taskHistoryRetentionLimit) {
    public Orchestration {
      if (taskHistoryRetentionLimit < 0) {
        throw new InvalidArgumentException("task history retention limit must not be negative");
      }
    }
  }

  /** How often agents heartbeat (Docker's default 5 s). */
  public record Dispatcher(@JsonProperty("HeartbeatPeriod") long heartbeatPeriodNanos) {
    /** Heartbeat periods a node may miss before it is down (swarmkit's grace). */
    public static final int MISSED_BEATS_BEFORE_DOWN = 3;

    /** How long a node stays silent before the dispatcher writes it down. */
    public java.time.Duration downAfter() {
      return java.time.Duration.ofNanos(heartbeatPeriodNanos).multipliedBy(MISSED_BEATS_BEFORE_DOWN);
    }

    public Dispatcher {
      if (heartbeatPeriodNanos <= 0) {
        throw new InvalidArgumentException("heartbeat period must be positive");
      }
    }
  }

  /** How long node certificates live (Docker's default 90 days, at least an hour). */
  public record CaConfig(@JsonProperty("NodeCertExpiry") long nodeCertExpiryNanos) {
    public CaConfig {
      if (nodeCertExpiryNanos < 3_600_000_000_000L) {
        throw new InvalidArgumentException("minimum certificate expiry time is 1h0m0s");
      }
    }
  }

  /** Whether managers' keys are locked at rest ({@code --autolock}). */
  public record EncryptionConfig(@JsonProperty("AutoLockManagers") boolean autoLockManagers) {}

  public static final long DEFAULT_HEARTBEAT_NANOS = 5_000_000_000L;
  public static final long DEFAULT_CERT_EXPIRY_NANOS = 90L * 24 * 3600 * 1_000_000_000L;

  public static SwarmSpec defaults() {
    return new SwarmSpec(null, null, null, null, null, null);
  }

  public SwarmSpec {
    name = name == null || name.isEmpty() ? "default" : name;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    orchestration = orchestration == null ? new Orchestration(5) : orchestration;
    dispatcher = dispatcher == null ? new Dispatcher(DEFAULT_HEARTBEAT_NANOS) : dispatcher;
    caConfig = caConfig == null ? new CaConfig(DEFAULT_CERT_EXPIRY_NANOS) : caConfig;
    encryptionConfig = encryptionConfig == null ? new EncryptionConfig(false) : encryptionConfig;
  }
}
