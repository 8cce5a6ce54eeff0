package io.berth.daemon.swarm;

import io.berth.cluster.ca.tls.ClusterTls;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.ca.keys.NodeKeyStore;
import io.berth.cluster.ca.keys.UnlockKey;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.raft.RaftMember;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of a swarm, from {@code swarm init/join} to {@code leave}, and across
 * berthd restarts: it owns what the node runs while in a swarm (the Raft member and leader loops
 * on a manager; the agent's session everywhere) and answers {@code /info}'s Swarm section. One
 * lock orders the lifecycle calls; reads take the current membership without it.
 */
public final class SwarmNode implements SwarmMembership, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmNode.class);

  private final SwarmFiles files;
  private final Clock clock;
  private final Supplier<NodeDescription> description;
  private final String ownBridge;
  private final SwarmRoles roles;
  private final Object lifecycle = new Object();
  private volatile Membership membership = Membership.NONE;
  private volatile boolean roleChanging;

  /**
   * A node whose members run {@link NodeWork}.
   *
   * @param dataRoot berthd's data root; the swarm's files go in its {@code swarm} directory
   * @param description what this node reports about itself (hostname, platform, resources, engine)
   * @param ownBridge berthd's bridge, never an address to advertise
   * @param executors the task executor for this node's swarm id
   * @param events where a manager tells of node and service changes ({@code docker events})
   * @param networks what makes this node's overlays match the network view the managers send
   * @param payloads where the secrets and configs the managers send for this node's tasks are kept
   * @param assignments told each whole assignment set (the node's attachment tasks among them)
   */
  public static SwarmNode create(java.nio.file.Path dataRoot, Clock clock, Supplier<NodeDescription> description,
      String ownBridge, java.util.function.Function<String, io.berth.cluster.agent.TaskExecutor> executors,
      ClusterEvents.Sink events, java.util.function.Consumer<io.berth.cluster.network.NetworkView> networks,
      io.berth.cluster.dispatcher.ReceivedPayloads payloads,
      java.util.function.Consumer<java.util.List<io.berth.cluster.model.Task>> assignments) {
    SwarmFiles files = new SwarmFiles(dataRoot);
    return new SwarmNode(files, clock, description, ownBridge,
        new NodeWork(executors, description, files, clock, events, networks, payloads, assignments));
  }

  SwarmNode(SwarmFiles files, Clock clock, Supplier<NodeDescription> description, String ownBridge,
      SwarmRoles roles) {
    this.files = files;
    this.clock = clock;
    this.description = description;
    this.ownBridge = ownBridge;
    this.roles = roles;
    roles.onRole(this::roleSeen);
  }

  /** The role the managers give this node, seen in its session: a change is acted on off that thread. */
  private void roleSeen(NodeRole role) {
    Membership m = membership;
    if (m.state() != LocalNodeState.ACTIVE || m.local().role() == role || roleChanging) {
      return;
    }
    roleChanging = true;
    Thread.ofPlatform().daemon().name("swarm-role-change").start(() -> {
      try {
        synchronized (lifecycle) {
          Membership now = membership;
          if (now.state() == LocalNodeState.ACTIVE && now.local().role() != role) {
            membership = role == NodeRole.MANAGER ? RoleChange.promote(now, files, roles, clock)
                : RoleChange.demote(now, files, roles, clock);
          }
        }
      } catch (RuntimeException e) {
        LOG.error("changing this node's role to {} failed (it is retried with the next assignments): {}",
            role.wire(), e.getMessage());
      } finally {
        roleChanging = false;
      }
    });
  }

  /** At berthd's start: comes back as the member it was, or locked until {@code swarm unlock}. */
  public void recover() {
    synchronized (lifecycle) {
      Optional<SwarmFiles.LocalState> local;
      try {
        local = files.read();
      } catch (RuntimeException e) {
        LOG.error("swarm state unreadable, this node stays out of the swarm: {}", e.getMessage());
        membership = Membership.error(e.getMessage());
        return;
      }
      if (local.isEmpty()) {
        return;
      }
      NodeKeyStore keys = files.keys();
      if (keys.locked()) {
        LOG.warn("swarm keys are locked (autolock): run docker swarm unlock");
        membership = Membership.locked(local.get());
        return;
      }
      try {
        resume(local.get(), null);
      } catch (RuntimeException e) {
        // resume recorded the error for /info; berthd serves containers without the swarm
      }
    }
  }

  private void resume(SwarmFiles.LocalState local, UnlockKey unlockKey) {
    try {
      NodeKeyStore.Stored stored = files.keys().read(unlockKey);
      NodeCredentials credentials = new NodeCredentials(new NodeCredentials.Material(stored.key(),
          stored.certificate(), stored.trustedRoots(), local.clusterId()));
      ManagerRuntime manager = null;
      if (local.role() == NodeRole.MANAGER) {
        manager = ManagerRuntime.start(files, local.nodeId(), local.clusterId(), local.advertiseAddr(),
            List.of(), new ClusterTls(credentials, clock));
        files.keys().readSecretsKey(unlockKey).ifPresent(manager.state()::useSecretsKey);
      }
      membership = Membership.active(local, credentials, manager,
          roles.start(local, credentials, manager, unlockKey));
      LOG.info("rejoined the swarm as {} {}", local.role().wire(), local.nodeId());
    } catch (RuntimeException e) {
      LOG.error("could not rejoin the swarm as {}: {}", local.nodeId(), e.getMessage());
      membership = Membership.error(e.getMessage()).withLocal(local);
      throw e;
    }
  }

  @Override
  public String init(InitRequest request) {
    synchronized (lifecycle) {
      requireOutside();
      if (request.forceNewCluster()) {
        throw new InvalidArgumentException("--force-new-cluster is only for a manager that is already in a swarm "
            + "(this node is not)");
      }
      HostPort listen = HostPort.parse(request.listenAddr(), "listen address");
      HostPort advertise = AdvertiseAddress.choose(request.advertiseAddr(), listen, ownBridge);
      io.berth.cluster.model.SwarmSpec spec = request.autoLockManagers()
          ? withAutolock(request.spec()) : request.spec();
      ClusterBootstrap.Started started;
      try {
        started = ClusterBootstrap.init(files, listen, advertise, spec, request.availability(),
            description.get(), ClusterBootstrap.networking(request), clock);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new io.berth.errdefs.UnavailableException("swarm init interrupted");
      }
      try {
        membership = Membership.active(started.local(), started.credentials(), started.manager(),
            roles.start(started.local(), started.credentials(), started.manager(), started.unlockKey()));
      } catch (RuntimeException e) {
        started.manager().close();
        files.erase();
        throw e;
      }
      if (started.unlockKey() != null) {
        UnlockKeys.store(started.manager().state(), started.unlockKey());
      }
      LOG.info("swarm initialized: cluster {}, this node {} advertising {}", started.local().clusterId(),
          started.local().nodeId(), advertise);
      return started.local().nodeId();
    }
  }

  private static io.berth.cluster.model.SwarmSpec withAutolock(io.berth.cluster.model.SwarmSpec s) {
    return new io.berth.cluster.model.SwarmSpec(s.name(), s.labels(), s.orchestration(), s.dispatcher(),
        s.caConfig(), new io.berth.cluster.model.SwarmSpec.EncryptionConfig(true));
  }

  @Override
  public void join(JoinRequest request) {
    synchronized (lifecycle) {
      requireOutside();
      membership = NodeJoin.join(files, request, description.get(), ownBridge, roles, clock);
    }
  }

  @Override
  public void leave(boolean force) {
    synchronized (lifecycle) {
      Membership m = membership;
      if (m.local() == null) {
        throw SwarmUnavailableException.notPartOfSwarm();
      }
      if (m.local().role() == NodeRole.MANAGER && !force) {
        int managers = m.manager() == null ? 1 : m.manager().store().members().size();
        throw new FailedPreconditionException("You are attempting to leave the swarm on a node that is "
            + "participating as a manager. Removing this node leaves " + (managers - 1) + " managers out of "
            + managers + ". " + (managers <= 2 ? "Removing this node will cause the swarm to lose quorum "
            + "(it will no longer be able to elect a leader or accept updates)" : "The swarm keeps its quorum")
            + ". Use `--force` to ignore this message.");
      }
      if (m.manager() != null && m.manager().store().members().size() > 1) {
        try {
          m.manager().store().removeMember(m.local().nodeId());
        } catch (RuntimeException e) {
          LOG.warn("leaving the Raft group: {}", e.getMessage());
        }
      }
      m.close();
      roles.leave(m.local());
      files.erase();
      membership = Membership.NONE;
      LOG.info("left the swarm");
    }
  }

  @Override
  public SwarmDetails inspect() {
    ClusterState state = requireManager();
    Cluster cluster = state.cluster().orElseThrow(() -> new FailedPreconditionException(
        "the swarm's cluster object is missing from the store"));
    var ca = state.ca().orElseThrow(() -> new FailedPreconditionException("the swarm's CA is missing from the store"));
    return new SwarmDetails(cluster, ca.joinTokens().worker().render(), ca.joinTokens().manager().render());
  }

  @Override
  public void update(SwarmUpdate update) {
    synchronized (lifecycle) {
      SwarmUpdates.apply(requireManager(), update, clock);
    }
  }

  @Override
  public String unlockKey() {
    // empty when autolock is off: the CLI then says Docker's "no unlock key is set"
    return UnlockKeys.read(requireManager()).map(UnlockKey::render).orElse("");
  }

  @Override
  public void unlock(String key) {
    synchronized (lifecycle) {
      Membership m = membership;
      if (m.state() != LocalNodeState.LOCKED) {
        throw new FailedPreconditionException("swarm is not locked");
      }
      UnlockKey parsed = UnlockKey.parse(key);
      files.keys().read(parsed); // a wrong key is refused here and leaves the node locked
      resume(m.local(), parsed);
    }
  }

  @Override
  public SwarmInfo info() {
    Membership m = membership;
    if (m.local() == null) {
      return m.state() == LocalNodeState.ERROR
          ? new SwarmInfo("", "", LocalNodeState.ERROR, false, m.error(), List.of(), 0, 0, Optional.empty())
          : SwarmInfo.INACTIVE;
    }
    String addr = HostPort.parse(m.local().advertiseAddr(), "advertise address").host();
    if (m.manager() == null) {
      List<SwarmInfo.Peer> peers = m.local().managers().stream().map(a -> new SwarmInfo.Peer("", a)).toList();
      return new SwarmInfo(m.local().nodeId(), addr, m.state(), false, m.error(), peers, 0, 0, Optional.empty());
    }
    ClusterState state = m.manager().state();
    List<Node> nodes = state.nodes();
    List<SwarmInfo.Peer> peers = m.manager().store().members().stream()
        .map(r -> new SwarmInfo.Peer(r.id(), dispatcherAddress(r))).toList();
    return new SwarmInfo(m.local().nodeId(), addr, m.state(), true, m.error(), peers, nodes.size(),
        (int) nodes.stream().filter(n -> n.spec().role() == NodeRole.MANAGER).count(), state.cluster());
  }

  /** The dispatcher's address of a manager whose Raft member listens at {@code r}: the port before. */
  static String dispatcherAddress(RaftMember r) {
    HostPort raft = HostPort.parse(r.address(), "raft address");
    return raft.withPort(raft.port() - 1).toString();
  }

  /** What metrics read at scrape time from a manager's replicated store. */
  public record ManagerReadings(long raftTerm, long leaderChanges, boolean leader, List<Node> nodes,
      List<io.berth.cluster.model.Task> tasks) {}

  /** The store's figures on a manager of an active swarm; empty on a worker or outside a swarm. */
  public Optional<ManagerReadings> managerReadings() {
    Membership m = membership;
    if (m.state() != LocalNodeState.ACTIVE || m.manager() == null) {
      return Optional.empty();
    }
    var store = m.manager().store();
    ClusterState state = m.manager().state();
    return Optional.of(new ManagerReadings(store.term(), store.leaderChanges(), store.isLeader(), state.nodes(),
        state.tasks()));
  }

  /** What this node's loops and store count (passes, placements, commits), for metrics. */
  public io.berth.cluster.metrics.ClusterTallies tallies() {
    return roles.tallies();
  }

  /** {@code docker service logs} through this node's membership of the moment (managers only). */
  /** This node's session with the managers, while it is in a swarm. */
  public Optional<io.berth.cluster.dispatcher.DispatcherSession> session() {
    try {
      return Optional.of(roles.session());
    } catch (io.berth.errdefs.UnavailableException e) {
      return Optional.empty();
    }
  }

  public ServiceLogs serviceLogs() {
    return new ClusterServiceLogs(() -> membership, clock);
  }

  @Override
  public Optional<ClusterState> managerState() {
    Membership m = membership;
    return m.state() == LocalNodeState.ACTIVE && m.manager() != null ? Optional.of(m.manager().state()) : Optional.empty();
  }

  private void requireOutside() {
    if (membership.local() != null) {
      throw SwarmUnavailableException.alreadyInSwarm();
    }
  }

  /** Stops what the membership runs, keeping it on disk for the next start (not a leave). */
  @Override
  public void close() {
    synchronized (lifecycle) {
      membership.close();
    }
  }
}
