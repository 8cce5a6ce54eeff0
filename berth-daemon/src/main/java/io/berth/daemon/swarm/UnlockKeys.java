package io.berth.daemon.swarm;

import io.berth.cluster.ca.keys.UnlockKey;
import io.berth.cluster.raft.Write;
import io.berth.cluster.state.ClusterState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The swarm's unlock key (autolock), kept beside the CA in the managers' store so that
 * {@code docker swarm unlock-key} answers on every manager, as Docker's does, and every manager
 * learns from it which key to keep its node key under ({@link UnlockKeyFollower}). It exists only
 * while autolock is on.
 */
final class UnlockKeys {
  static final String KEY = "unlock-key";

  private UnlockKeys() {}

  static void store(ClusterState state, UnlockKey key) {
    state.store().apply(List.of(put(state, key)));
  }

  /** The write that makes {@code key} the swarm's unlock key (for the caller's batch). */
  static Write put(ClusterState state, UnlockKey key) {
    byte[] text = key.render().getBytes(StandardCharsets.US_ASCII);
    var existing = state.store().get(ClusterState.CA, KEY);
    return existing.isPresent()
        ? new Write.Update(ClusterState.CA, KEY, existing.get().version(), text)
        : new Write.Create(ClusterState.CA, KEY, text);
  }

  /** The write that removes the unlock key (autolock turned off), if there is one. */
  static Optional<Write> remove(ClusterState state) {
    return state.store().get(ClusterState.CA, KEY).map(o -> new Write.Delete(ClusterState.CA, KEY));
  }

  static Optional<UnlockKey> read(ClusterState state) {
    return state.store().get(ClusterState.CA, KEY)
        .map(o -> UnlockKey.parse(new String(o.value(), StandardCharsets.US_ASCII)));
  }
}
