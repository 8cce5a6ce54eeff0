package io.berth.daemon.swarm;

import io.berth.cluster.agent.Agent;
import io.berth.cluster.agent.TaskContainer;
import io.berth.cluster.agent.TaskExecutor;
import io.berth.cluster.ca.keys.UnlockKey;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.dispatcher.DispatcherClient;
import io.berth.cluster.dispatcher.DispatcherServer;
import io.berth.cluster.dispatcher.DispatcherSession;
import io.berth.cluster.dispatcher.Leadership;
import io.berth.cluster.dispatcher.ManagerMembership;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.orchestrator.LeaderLoops;
import io.berth.cluster.orchestrator.ManagerLoops;
import io.berth.cluster.raft.RaftMember;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a member of the swarm runs on this node: on a manager the dispatcher (gRPC on the listen
 * address) and, while it leads, the orchestrators and scheduler; on every node the agent, fed by
 * a dispatcher session to the managers and reporting back through it. The agent and the session
 * know nothing of each other; this class is the glue.
 */
final class NodeWork implements SwarmRoles {
  private static final Logger LOG = LoggerFactory.getLogger(NodeWork.class);

  private final Function<String, TaskExecutor> executors;
  private final Supplier<NodeDescription> description;
  private final SwarmFiles files;
  private final Clock clock;
  private final ClusterEvents.Sink events;
  private final Consumer<io.berth.cluster.network.NetworkView> networks;
  private final io.berth.cluster.dispatcher.ReceivedPayloads payloads;
  private final Consumer<java.util.List<io.berth.cluster.model.Task>> assignments;
  private final AtomicReference<Agent> currentAgent = new AtomicReference<>();
  private final AtomicReference<DispatcherSession> currentSession = new AtomicReference<>();
  private volatile Consumer<NodeRole> roleListener = role -> { };
  private final io.berth.cluster.metrics.ClusterTallies tallies = new io.berth.cluster.metrics.ClusterTallies();

  /** {@code executors}: the task executor for this node's id (known only once it is a member). */
  NodeWork(Function<String, TaskExecutor> executors, Supplier<NodeDescription> description, SwarmFiles files,
      Clock clock, ClusterEvents.Sink events, Consumer<io.berth.cluster.network.NetworkView> networks,
      io.berth.cluster.dispatcher.ReceivedPayloads payloads,
      Consumer<java.util.List<io.berth.cluster.model.Task>> assignments) {
    this.payloads = payloads;
    this.events = events;
    this.networks = networks;
    this.assignments = assignments;
    this.executors = executors;
    this.description = description;
    this.files = files;
    this.clock = clock;
  }

  @Override
  public io.berth.cluster.metrics.ClusterTallies tallies() {
    return tallies;
  }

  @Override
  public AutoCloseable start(SwarmFiles.LocalState local, NodeCredentials credentials, ManagerRuntime manager,
      UnlockKey unlockKey) {
    List<AutoCloseable> started = new ArrayList<>();
    NodeKeys keys = new NodeKeys(files.keys(), unlockKey);
    if (manager == null && unlockKey == null && files.keys().locked()) {
      keys.save(credentials.current()); // workers are never locked: a demoted manager's key is stored in clear
    }
    try {
      if (manager != null) {
        manager.store().observe(tallies);
        started.add(UnlockKeyFollower.start(manager.state(), keys));
        started.add(new ClusterEvents(manager.state(), events).start());
        started.add(new DispatcherServer(manager.state(), credentials, Leadership.of(manager.store()),
            membership(manager, local.clusterId()), clock, listen(local.listenAddr())).start());
        LeaderLoops leader = new LeaderLoops(manager.state(), manager.store()::isLeader, () -> {
          ManagerLoops loops = new ManagerLoops(manager.state(), clock, ManagerLoops.DEFAULT_PERIOD, tallies);
          loops.start();
          ManagerMarks marks = new ManagerMarks(manager.state(), manager.store(), local.nodeId()).start();
          io.berth.cluster.network.OverlayKeyRotation overlayKeys = new io.berth.cluster.network.OverlayKeyRotation(
              manager.state(), clock, io.berth.cluster.network.OverlayKeyRotation.DEFAULT_PERIOD).start();
          return () -> {
            overlayKeys.close();
            marks.close();
            loops.close();
          };
        });
        leader.start();
        started.add(leader);
      }
      AtomicReference<DispatcherSession> session = new AtomicReference<>();
      Agent agent = new Agent(executors.apply(local.nodeId()), updates -> {
        DispatcherSession s = session.get();
        if (s == null) {
          // the agent keeps what it could not report and sends it again: nothing is dropped
          throw new io.berth.errdefs.UnavailableException("no session with the managers yet");
        }
        s.reportStatus(updates);
      }, clock, Agent.Settings.DEFAULT);
      started.add(agent);
      agent.start();
      currentAgent.set(agent);
      AtomicReference<SwarmFiles.LocalState> saved = new AtomicReference<>(local);
      session.set(DispatcherClient.connect(local.managers(), credentials, description, tasks -> {
        agent.assigned(tasks);
        assignments.accept(tasks);
        rememberManagers(saved, session.get());
      }, agent::logs,
          material -> {
        keys.save(material);
        LOG.info("node TLS material stored: certificate valid until {}", material.certificate().notAfter());
      }, clock));
      started.add(session.get());
      DispatcherSession mine = session.get();
      mine.onRole(role -> roleListener.accept(role));
      mine.onNetworks(networks);
      mine.payloadsInto(payloads);
      currentSession.set(mine);
      return () -> {
        currentAgent.compareAndSet(agent, null);
        currentSession.compareAndSet(mine, null);
        closeAll(started);
      };
    } catch (RuntimeException e) {
      closeAll(started);
      throw e;
    }
  }

  /**
   * Keeps the managers the session was last told about in {@code state.json}, so a node that
   * restarts after the managers it joined through are gone still finds the swarm. Only while the
   * membership is on disk: a late message after {@code leave} must not write it back.
   */
  private void rememberManagers(AtomicReference<SwarmFiles.LocalState> saved, DispatcherSession s) {
    if (s == null) {
      return;
    }
    List<String> now = s.managers();
    SwarmFiles.LocalState before = saved.get();
    if (now.isEmpty() || now.equals(before.managers()) || files.read().isEmpty()) {
      return;
    }
    SwarmFiles.LocalState next = before.withManagers(now);
    files.write(next);
    saved.set(next);
  }

  @Override
  public void onRole(Consumer<NodeRole> listener) {
    roleListener = listener;
  }

  @Override
  public DispatcherSession session() {
    DispatcherSession s = currentSession.get();
    if (s == null) {
      throw new io.berth.errdefs.UnavailableException("this node has no session with the managers");
    }
    return s;
  }

  /** The agent of the current membership, for {@code service logs} on this node. */
  Agent agent() {
    return currentAgent.get();
  }

  @Override
  public void leave(SwarmFiles.LocalState local) {
    TaskExecutor executor = executors.apply(local.nodeId());
    for (TaskContainer c : executor.containers()) {
      try {
        executor.stop(c.containerId(), Duration.ofSeconds(10));
        executor.remove(c.containerId());
      } catch (RuntimeException e) {
        LOG.warn("removing task container {} at swarm leave: {}", c.containerId(), e.getMessage());
      }
    }
    payloads.clear();
    try {
      networks.accept(io.berth.cluster.network.NetworkView.EMPTY); // the swarm's overlays and mesh go too
    } catch (RuntimeException e) {
      LOG.warn("removing the swarm's networks at swarm leave: {}", e.getMessage());
    }
  }

  private static ManagerMembership membership(ManagerRuntime manager, String clusterId) {
    return new ManagerMembership() {
      @Override
      public String groupId() {
        return ManagerRuntime.groupOf(clusterId).toString();
      }

      @Override
      public List<RaftMember> members() {
        return manager.store().members();
      }

      @Override
      public void add(RaftMember member) {
        manager.store().addMember(member);
      }
    };
  }

  private static InetSocketAddress listen(String listenAddr) {
    HostPort hp = HostPort.parse(listenAddr, "listen address");
    return new InetSocketAddress(hp.host(), hp.port());
  }

  private static void closeAll(List<AutoCloseable> started) {
    for (AutoCloseable c : started.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("stopping swarm work: {}", e.toString());
      }
    }
  }
}
