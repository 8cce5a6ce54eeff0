package io.berth.cluster.network;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.cluster.model.Version;
import io.berth.cluster.raft.Write;
import io.berth.cluster.state.ClusterState;
import io.berth.oci.Json;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the managers keep for encrypted overlays, at {@code overlay-encryption/default} (managers
 * only, like the CA's keys: no API route shows it): the keys, oldest first, at most
 * {@link #KEEP}, and each node's address on the sealed underlay. The leader's
 * {@link OverlayKeyRotation} is its one writer.
 *
 * <p>Which key seals: the second newest when there are two or more, else the only one (as
 * swarmkit's nodes pick). A new key is thus sent to every node one rotation period before any
 * node seals with it, so no receiver meets a key it does not hold; the oldest is still accepted
 * for a period after it stopped sealing, for packets and views in flight.
 *
 * @param tunnels node id to its tunnel address (bare, in {@link io.berth.cluster.allocator.TunnelPool})
 */
public record OverlayEncryption(
    @JsonProperty("Version") Version version,
    @JsonProperty("Keys") List<OverlayKey> keys,
    @JsonProperty("Tunnels") Map<String, String> tunnels) {
  /** The store's kind for the one object (key {@link ClusterState#THE}). */
  public static final String KIND = "overlay-encryption";
  /** How many keys the managers keep, as swarmkit does. */
  public static final int KEEP = 3;

  public OverlayEncryption {
    version = version == null ? Version.ZERO : version;
    keys = keys == null ? List.of() : keys.stream().sorted(Comparator.comparingInt(OverlayKey::id)).toList();
    tunnels = tunnels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tunnels));
  }

  /** The key that seals now, if there is one (see the class comment). */
  public Optional<OverlayKey> primary() {
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(keys.size() == 1 ? keys.getFirst() : keys.get(keys.size() - 2));
  }

  /** The newest key, if there is one. */
  public Optional<OverlayKey> newest() {
    return keys.isEmpty() ? Optional.empty() : Optional.of(keys.getLast());
  }

  /** Same keys and tunnels, whatever the version. */
  public boolean sameAs(OverlayEncryption o) {
    return o != null && keys.equals(o.keys) && tunnels.equals(o.tunnels);
  }

  /** The stored object, if the leader wrote one yet. */
  public static Optional<OverlayEncryption> read(ClusterState state) {
    return state.store().get(KIND, ClusterState.THE).map(o -> ClusterState.decode(o, OverlayEncryption.class));
  }

  /** The write that stores {@code this} over what was read (a create when nothing was). */
  public Write write(boolean exists) {
    return exists ? new Write.Update(KIND, ClusterState.THE, version.index(), Json.bytes(this))
        : new Write.Create(KIND, ClusterState.THE, Json.bytes(this));
  }

  @Override
  public String toString() {
    return "OverlayEncryption[keys=" + keys + ", tunnels=" + tunnels + "]";
  }
}
