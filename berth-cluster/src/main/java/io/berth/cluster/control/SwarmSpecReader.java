package io.berth.cluster.control;

import static io.berth.cluster.control.FieldRules.Rule.DEFAULT_ONLY;
import static io.berth.cluster.control.FieldRules.Rule.HONOURED;
import static io.berth.cluster.control.FieldRules.Rule.OBJECT;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cluster.control.FieldRules.Rule;
import io.berth.cluster.model.SwarmSpec;
import io.berth.errdefs.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads Docker's swarm Spec ({@code swarm init}'s {@code Spec}, {@code swarm update}'s body) onto
 * a base spec: a field left out, null or zero keeps the base's value, as Docker treats the CLI's
 * empty {@code Orchestration: {}} or {@code Dispatcher: {}}. Raft tuning, external CAs, a signing
 * CA given by the user and task defaults are not honoured: refused by name unless empty.
 * {@code CAConfig.ForceRotate} is returned beside the spec: {@code swarm ca --rotate} sends the
 * shown value plus one.
 */
public final class SwarmSpecReader {
  private static final Map<String, Rule> RULES = Map.ofEntries(
      Map.entry("Name", HONOURED),
      Map.entry("Labels", HONOURED),
      Map.entry("Orchestration", OBJECT),
      Map.entry("Orchestration.TaskHistoryRetentionLimit", HONOURED),
      Map.entry("Raft", OBJECT),
      Map.entry("Raft.SnapshotInterval", DEFAULT_ONLY),
      Map.entry("Raft.KeepOldSnapshots", DEFAULT_ONLY),
      Map.entry("Raft.LogEntriesForSlowFollowers", DEFAULT_ONLY),
      Map.entry("Raft.ElectionTick", DEFAULT_ONLY),
      Map.entry("Raft.HeartbeatTick", DEFAULT_ONLY),
      Map.entry("Dispatcher", OBJECT),
      Map.entry("Dispatcher.HeartbeatPeriod", HONOURED),
      Map.entry("CAConfig", OBJECT),
      Map.entry("CAConfig.NodeCertExpiry", HONOURED),
      Map.entry("CAConfig.ForceRotate", HONOURED),
      Map.entry("CAConfig.ExternalCAs", DEFAULT_ONLY),
      Map.entry("CAConfig.SigningCACert", DEFAULT_ONLY),
      Map.entry("CAConfig.SigningCAKey", DEFAULT_ONLY),
      Map.entry("TaskDefaults", OBJECT),
      Map.entry("TaskDefaults.LogDriver", DEFAULT_ONLY),
      Map.entry("EncryptionConfig", OBJECT),
      Map.entry("EncryptionConfig.AutoLockManagers", HONOURED));
  private static final Map<String, String> HINTS = Map.of(
      "Raft.SnapshotInterval", "--snapshot-interval",
      "Raft.KeepOldSnapshots", "--max-snapshots",
      "CAConfig.ExternalCAs", "--external-ca",
      "CAConfig.SigningCACert", "--ca-cert",
      "CAConfig.SigningCAKey", "--ca-key",
      "TaskDefaults.LogDriver", "--log-driver");
  private static final FieldRules FIELDS = new FieldRules("swarm spec", RULES, HINTS);

  /** The spec read, and the {@code CAConfig.ForceRotate} counter sent (0 when absent). */
  public record Read(SwarmSpec spec, long forceRotate) {}

  private SwarmSpecReader() {}

  public static Read read(JsonNode body, SwarmSpec base) {
    if (body == null || body.isNull() || body.isMissingNode()) {
      return new Read(base, 0);
    }
    if (!body.isObject()) {
      throw new InvalidArgumentException("swarm spec: must be a JSON object, got " + body);
    }
    FIELDS.check(body);
    String name = body.path("Name").asText("");
    Map<String, String> labels = base.labels();
    if (body.path("Labels").isObject()) {
      labels = new LinkedHashMap<>();
      for (var it = body.path("Labels").fields(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().isTextual()) {
          throw new InvalidArgumentException("swarm spec: Labels[\"" + e.getKey() + "\"] must be a string");
        }
        labels.put(e.getKey(), e.getValue().textValue());
      }
    }
    // a pointer in Docker's API: present means set, 0 included (keep no finished tasks)
    JsonNode historyNode = body.path("Orchestration").path("TaskHistoryRetentionLimit");
    long history = historyNode.canConvertToLong() ? historyNode.asLong()
        : number(body, "Orchestration", "TaskHistoryRetentionLimit", base.orchestration().taskHistoryRetentionLimit());
    long heartbeat = number(body, "Dispatcher", "HeartbeatPeriod", base.dispatcher().heartbeatPeriodNanos());
    long expiry = number(body, "CAConfig", "NodeCertExpiry", base.caConfig().nodeCertExpiryNanos());
    JsonNode autolock = body.path("EncryptionConfig").path("AutoLockManagers");
    boolean locked = autolock.isBoolean() ? autolock.booleanValue() : base.encryptionConfig().autoLockManagers();
    long forceRotate = body.path("CAConfig").path("ForceRotate").asLong(0);
    if (forceRotate < 0) {
      throw new InvalidArgumentException("swarm spec: CAConfig.ForceRotate must not be negative");
    }
    SwarmSpec spec = new SwarmSpec(name.isEmpty() ? base.name() : name, labels,
        new SwarmSpec.Orchestration(history), new SwarmSpec.Dispatcher(heartbeat), new SwarmSpec.CaConfig(expiry),
        new SwarmSpec.EncryptionConfig(locked));
    return new Read(spec, forceRotate);
  }

  /** {@code body.section.field} as a number; absent, null or 0 keeps {@code base} (Docker's "unset"). */
  private static long number(JsonNode body, String section, String field, long base) {
    JsonNode v = body.path(section).path(field);
    if (v.isMissingNode() || v.isNull()) {
      return base;
    }
    if (!v.canConvertToLong()) {
      throw new InvalidArgumentException("swarm spec: " + section + "." + field + " must be an integer, got " + v);
    }
    return v.asLong() == 0 ? base : v.asLong();
  }
}
