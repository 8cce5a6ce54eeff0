package io.berth.cluster.dispatcher;

import io.berth.cluster.dispatcher.Messages.TaskPayload;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A node's copy, in memory only, of the secrets and configs its tasks need: replaced whole by
 * every assignment set (before its tasks reach the agent), so a payload no task here needs any
 * more is forgotten with the next message. The task executor reads from it when it makes a
 * task's container. Nothing here is ever written to disk.
 */
public final class ReceivedPayloads {
  private volatile Map<String, TaskPayload> secrets = Map.of();
  private volatile Map<String, TaskPayload> configs = Map.of();

  void replace(List<TaskPayload> nextSecrets, List<TaskPayload> nextConfigs) {
    secrets = byId(nextSecrets);
    configs = byId(nextConfigs);
  }

  /** Forgets everything (the node left the swarm). */
  public void clear() {
    replace(List.of(), List.of());
  }

  void takeFrom(ReceivedPayloads other) {
    secrets = other.secrets;
    configs = other.configs;
  }

  public Optional<TaskPayload> secret(String id) {
    return Optional.ofNullable(secrets.get(id));
  }

  public Optional<TaskPayload> config(String id) {
    return Optional.ofNullable(configs.get(id));
  }

  /** The ids held now (what tests check: a node without such a task holds none). */
  public java.util.Set<String> secretIds() {
    return secrets.keySet();
  }

  public java.util.Set<String> configIds() {
    return configs.keySet();
  }

  private static Map<String, TaskPayload> byId(List<TaskPayload> payloads) {
    return payloads.stream().collect(Collectors.toUnmodifiableMap(TaskPayload::id, Function.identity(), (a, b) -> a));
  }
}
