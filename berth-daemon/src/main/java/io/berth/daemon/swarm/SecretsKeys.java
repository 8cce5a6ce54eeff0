package io.berth.daemon.swarm;

import io.berth.cluster.ca.keys.SecretsKey;

/**
 * Where a manager keeps the cluster's secrets key it was handed when the Raft group took it
 * (join as a manager, promotion): in its key directory, in clear until the unlock-key follower
 * seals it with the node key when autolock is on, and in its cluster state for the control API
 * and the dispatcher. Decision 0040.
 */
final class SecretsKeys {
  private SecretsKeys() {}

  static void keep(SwarmFiles files, ManagerRuntime manager, SecretsKey key) {
    files.keys().writeSecretsKey(key, null);
    manager.state().useSecretsKey(key);
  }
}
