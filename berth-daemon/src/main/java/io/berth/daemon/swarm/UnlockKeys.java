package io.berth.daemon.swarm;

import io.berth.cluster.ca.keys.UnlockKey;
import io.berth.cluster.raft.Write;
import io.berth.cluster.state.ClusterState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The swarm's unlock key (autolock), kept beside the CA in the managers' store so that
 * {@code docker swarm unlock-key} answers on every manager, as Docker's does.
 */
final class UnlockKeys {
  static final String KEY = "unlock-key";

  private UnlockKeys() {}

  static void store(ClusterState state, UnlockKey key) {
    byte[] text = key.render().getBytes(StandardCharsets.US_ASCII);
    var existing = state.store().get(ClusterState.CA, KEY);
    state.store().apply(List.of(existing.isPresent()
        ? new Write.Update(ClusterState.CA, KEY, existing.get().version(), text)
        : new Write.Create(ClusterState.CA, KEY, text)));
  }

  static Optional<UnlockKey> read(ClusterState state) {
    return state.store().get(ClusterState.CA, KEY)
        .map(o -> UnlockKey.parse(new String(o.value(), StandardCharsets.US_ASCII)));
  }
}
