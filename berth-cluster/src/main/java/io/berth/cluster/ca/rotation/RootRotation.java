package io.berth.cluster.ca.rotation;

import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.JoinTokens;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.Node;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoredCa;
import io.berth.errdefs.FailedPreconditionException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The two writes of a root rotation. {@link #start} (from {@code docker swarm ca --rotate}) puts
 * a new root, cross-signed by the current one, into the stored CA and marks the swarm object
 * "rotation in progress" with the new desired issuer; nodes learn it from their sessions and
 * renew. {@link #finishIfConverged} (the leader's reconciler) makes the new root the only one once
 * every node reports a certificate from it, and generates new join tokens, whose digest must name
 * the new root. Both write the CA and the swarm object in one batch, so they never disagree.
 */
public final class RootRotation {
  private RootRotation() {}

  /** The CA record and swarm object a rotation starts with; the caller writes both in its batch. */
  public record Started(StoredCa ca, Cluster cluster) {}

  /** Starts (or restarts) a rotation to a fresh root; {@code cluster} is the swarm object to be written. */
  public static Started start(StoredCa stored, Cluster cluster, Clock clock) {
    ClusterCa rotated = ClusterCa.restore(stored.caState(), clock).startRotation();
    return new Started(stored.withCaState(rotated.state()),
        cluster.withTls(TlsInfos.ofCluster(rotated), true, clock.instant()));
  }

  /** The ids of the nodes that do not yet hold a certificate from {@code ca}'s desired issuer. */
  public static List<String> unconverged(ClusterCa ca, List<Node> nodes) {
    var desired = TlsInfos.ofCluster(ca);
    return nodes.stream().filter(n -> !TlsInfos.sameIssuer(n.description().tlsInfo(), desired)).map(Node::id).toList();
  }

  /**
   * Finishes the rotation under way if every node has converged; true when it did. A concurrent
   * write to the CA or the swarm makes the batch fail with Conflict, and the next pass tries again.
   */
  public static boolean finishIfConverged(ClusterState state, Clock clock, SecureRandom random) {
    Optional<StoredCa> stored = state.ca();
    if (stored.isEmpty() || stored.get().caState().rotation() == null) {
      return false;
    }
    ClusterCa ca = ClusterCa.restore(stored.get().caState(), clock);
    if (!unconverged(ca, state.nodes()).isEmpty()) {
      return false;
    }
    Cluster cluster = state.cluster().orElseThrow(() -> new FailedPreconditionException(
        "the swarm's cluster object is missing from the store"));
    ClusterCa finished = ca.finishRotation();
    state.batch()
        .update(stored.get().withCaState(finished.state())
            .withJoinTokens(JoinTokens.generate(finished.digest(), random)))
        .update(cluster.withTls(TlsInfos.ofCluster(finished), false, clock.instant()))
        .apply();
    return true;
  }
}
