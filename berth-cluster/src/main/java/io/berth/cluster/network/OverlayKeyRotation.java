package io.berth.cluster.network;

import io.berth.cluster.allocator.TunnelPool;
import io.berth.cluster.model.Node;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoreWatch;
import io.berth.errdefs.InvalidArgumentException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The leader's duty over {@link OverlayEncryption}: a first key as soon as there is a leader, a
 * new key every rotation period (the cluster's {@code NetworkKeyRotation}, 12 hours by default as
 * swarmkit's; the constructor's period when no cluster object is stored) with the oldest beyond
 * {@link OverlayEncryption#KEEP} dropped, and a tunnel address for every node (kept while the
 * node is in the store, freed when it is removed). Level-triggered ({@link StoreWatch}): each pass
 * decides from the stored object, the node list and the clock alone, so a new leader carries on
 * where the last one stopped; its write names the version it read, so two leaders cannot both add a key.
 */
public final class OverlayKeyRotation implements AutoCloseable {
  public static final Duration DEFAULT_PERIOD = Duration.ofHours(12);
  private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  private final ClusterState state;
  private final Clock clock;
  private final Duration period;
  private final SecureRandom random = new SecureRandom();
  private StoreWatch watch;

  public OverlayKeyRotation(ClusterState state, Clock clock, Duration period) {
    if (period == null || period.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new InvalidArgumentException("overlay key rotation period must be at least 1s, not " + period);
    }
    this.state = state;
    this.clock = clock;
    this.period = period;
  }

  public synchronized OverlayKeyRotation start() {
    watch = StoreWatch.start(state, CHECK_EVERY, "overlay key rotation", this::pass);
    return this;
  }

  /** One pass: writes the object when it should change; true if it wrote. */
  boolean pass() {
    Optional<OverlayEncryption> stored = OverlayEncryption.read(state);
    Duration every = state.cluster().map(io.berth.cluster.model.Cluster::networkKeyRotationPeriod).orElse(period);
    OverlayEncryption next = next(stored.orElse(null), state.nodes(), clock.instant(), every, random);
    if (next == null) {
      return false;
    }
    state.batch().add(next.write(stored.isPresent())).apply();
    return true;
  }

  /**
   * What {@code current} (null: none yet) should become at {@code now} for these nodes, or null
   * when it is right as it is.
   */
  static OverlayEncryption next(OverlayEncryption current, List<Node> nodes, Instant now, Duration period,
      SecureRandom random) {
    List<OverlayKey> keys = new ArrayList<>(current == null ? List.of() : current.keys());
    Optional<OverlayKey> newest = keys.isEmpty() ? Optional.empty() : Optional.of(keys.getLast());
    if (newest.isEmpty() || !now.isBefore(newest.get().createdAt().plus(period))) {
      keys.add(fresh(newest.map(k -> k.id() + 1).orElse(1), now, random));
    }
    while (keys.size() > OverlayEncryption.KEEP) {
      keys.removeFirst();
    }
    Set<String> members = nodes.stream().map(Node::id).collect(Collectors.toSet());
    Map<String, String> tunnels = new LinkedHashMap<>();
    if (current != null) {
      current.tunnels().forEach((node, addr) -> {
        if (members.contains(node)) {
          tunnels.put(node, addr);
        }
      });
    }
    for (Node n : nodes) {
      if (!tunnels.containsKey(n.id())) {
        tunnels.put(n.id(), TunnelPool.take(tunnels.values()));
      }
    }
    OverlayEncryption next = new OverlayEncryption(current == null ? null : current.version(), keys, tunnels);
    return next.sameAs(current) ? null : next;
  }

  private static OverlayKey fresh(int id, Instant now, SecureRandom random) {
    byte[] secret = new byte[OverlayKey.SECRET_BYTES];
    random.nextBytes(secret);
    return new OverlayKey(id, secret, now);
  }

  @Override
  public synchronized void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
