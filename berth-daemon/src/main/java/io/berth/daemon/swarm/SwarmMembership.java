package io.berth.daemon.swarm;

import io.berth.cluster.state.ClusterState;
import java.time.Duration;
import java.util.Optional;

/**
 * The node's swarm lifecycle, behind the {@code /swarm*} routes and {@code /info}'s Swarm section.
 * Routes never reach the cluster store's internals: they act through this interface and, on a
 * manager, through the control use cases over {@link #managerState()}.
 *
 * <p>Errors: {@link SwarmUnavailableException} (HTTP 503) with Docker's texts for a node in the
 * wrong state (not in a swarm, already in one, a worker asked for cluster state, locked); the
 * errdefs kinds for the rest (InvalidArgument for a bad request, Conflict "update out of sequence"
 * for a stale version, Unauthorized/InvalidArgument for a wrong join token or unlock key).
 * Requests arrive validated: the routes refuse the fields Berth does not honour by name.
 */
public interface SwarmMembership {

  /** {@code docker swarm init}: a new one-manager swarm; returns this node's id. */
  String init(InitRequest request);

  /** {@code docker swarm join}: joins the swarm at one of {@code request.remoteAddrs()}; returns once admitted. */
  void join(JoinRequest request);

  /**
   * {@code docker swarm leave}: a manager needs {@code force} (Docker refuses with its text, as a
   * manager leaving can lose quorum); a node not in a swarm is a 503 "This node is not part of a swarm".
   */
  void leave(boolean force);

  /** {@code GET /swarm}: the cluster object and its join tokens; managers only. */
  SwarmDetails inspect();

  /** {@code POST /swarm/update}: a new spec from the version read, token/key rotations, a root CA rotation. */
  void update(SwarmUpdate update);

  /** {@code GET /swarm/unlockkey}: the current unlock key; managers only; NotFound when autolock is off. */
  String unlockKey();

  /** {@code POST /swarm/unlock}: unlocks a locked manager's keys with {@code key}. */
  void unlock(String key);

  /** {@code /info}'s Swarm section, answered in every state (inactive, pending, active, error, locked). */
  SwarmInfo info();

  /** The cluster state when this node is an active manager; empty otherwise (not in a swarm, a worker, locked). */
  Optional<ClusterState> managerState();

  /** How long a request waits for this manager to catch up with the leader before it reads. */
  Duration READ_BARRIER = Duration.ofSeconds(2);

  /**
   * The cluster state, or the 503 Docker answers in this node's state: the "init or join" text when
   * not in a swarm, the worker text on a worker, the locked text when locked.
   */
  default ClusterState requireManager() {
    ClusterState state = managerState().orElseThrow(() -> switch (info().localNodeState()) {
      case INACTIVE, PENDING, ERROR -> SwarmUnavailableException.notInSwarm();
      case LOCKED -> SwarmUnavailableException.locked();
      case ACTIVE -> SwarmUnavailableException.notManager();
    });
    // a request answered here sees every write acknowledged before it, on whichever manager,
    // as Docker's (answered by the leader) do
    state.store().sync(READ_BARRIER);
    return state;
  }
}
