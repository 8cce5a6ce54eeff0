package io.berth.cluster.dispatcher;

import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.rotation.TlsInfos;
import io.berth.cluster.dispatcher.Messages.Assignments;
import io.berth.cluster.dispatcher.Messages.LogSubscription;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TlsInfo;
import io.berth.cluster.raft.Change;
import io.berth.cluster.raft.ChangeBatch;
import io.berth.cluster.state.ClusterState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open sessions and what each was last sent. One watcher thread sleeps on the store's index;
 * when tasks, nodes or the swarm change it works out every session's assignment set again and
 * sends those that differ, so a node learns of a new task without polling and never sees another
 * node's. Messages are whole sets (level-triggered): a node that missed one loses nothing. They
 * also carry the TLS material nodes should hold, so a root rotation reaches every node at once,
 * and the secrets and configs the node's tasks need ({@link NodePayloads}). A task on its way out
 * is shown to its node as still running until every node took it out of its rules
 * ({@link RotationGate}).
 */
final class SessionHub implements AutoCloseable, LogBroker.Sessions {
  private static final Logger LOG = LoggerFactory.getLogger(SessionHub.class);
  private static final Duration WAIT = Duration.ofSeconds(1);
  private static final Set<String> WATCHED =
      // services and networks too: a node's network view (VIPs, names, the mesh) is made from them
      Set.of(ClusterState.TASKS, ClusterState.NODES, ClusterState.CLUSTER, ClusterState.CA, ClusterState.SERVICES,
          ClusterState.NETWORKS, io.berth.cluster.network.OverlayEncryption.KIND, ClusterState.SECRETS,
          ClusterState.CONFIGS);

  /** One node's open stream and the last message it was sent (guarded by itself). */
  private static final class Session {
    final String nodeId;
    final ServerCallStreamObserver<Assignments> out;
    /** The set last made for the node, before the gate (un-numbered). */
    Assignments lastMade;
    /** The set last sent, after the gate (un-numbered, to compare). */
    Assignments lastSent;
    long sentIndex = -1;
    boolean done;

    Session(String nodeId, ServerCallStreamObserver<Assignments> out) {
      this.nodeId = nodeId;
      this.out = out;
    }
  }

  private final ClusterState state;
  private final Heartbeats heartbeats;
  private final Function<String, List<LogSubscription>> logSubscriptions;
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  /** Guarded by itself; taken inside a session's lock, never the other way round. */
  private final RotationGate gate = new RotationGate(Clock.systemUTC());
  /** Numbers every set sent, unique across sessions so a late acknowledgement cannot match a newer session's set. */
  private final java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();
  private final Thread watcher;
  private volatile boolean closed;

  /** {@code logSubscriptions}: the log subscriptions a node serves now (the broker's). */
  SessionHub(ClusterState state, Heartbeats heartbeats, Function<String, List<LogSubscription>> logSubscriptions) {
    this.state = state;
    this.heartbeats = heartbeats;
    this.logSubscriptions = logSubscriptions;
    this.watcher = Thread.ofPlatform().daemon().name("dispatcher-sessions").unstarted(this::watch);
  }

  void start() {
    watcher.start();
  }

  /** Registers {@code nodeId}'s stream and sends its assignments at once. */
  void open(String nodeId, ServerCallStreamObserver<Assignments> out) {
    Session s = new Session(nodeId, out);
    out.setOnCancelHandler(() -> removed(s));
    // a node has one session: an older one (a connection the node gave up on) ends here
    for (Session old : sessions) {
      if (old.nodeId.equals(nodeId)) {
        end(old, Status.ABORTED.withDescription("a newer session of node " + nodeId + " replaced this one")
            .asRuntimeException());
      }
    }
    sessions.add(s);
    long index = state.store().index();
    send(s, index, roleOf(nodeId), tasksByNode(state.tasks()).getOrDefault(nodeId, List.of()), tls(),
        io.berth.cluster.network.NetworkViews.of(state).forNode(nodeId), NodePayloads.of(state));
  }

  @Override
  public boolean connected(String nodeId) {
    return sessions.stream().anyMatch(s -> s.nodeId.equals(nodeId) && !s.done);
  }

  /** Sends these nodes' sessions their message again now (their log subscriptions changed). */
  @Override
  public void refresh(Collection<String> nodeIds) {
    long index = state.store().index();
    Map<String, List<Task>> byNode = null;
    io.berth.cluster.network.NetworkViews views = null;
    NodePayloads payloads = null;
    for (Session s : sessions) {
      if (nodeIds.contains(s.nodeId)) {
        byNode = byNode != null ? byNode : tasksByNode(state.tasks());
        views = views != null ? views : io.berth.cluster.network.NetworkViews.of(state);
        payloads = payloads != null ? payloads : NodePayloads.of(state);
        send(s, index, roleOf(s.nodeId), byNode.getOrDefault(s.nodeId, List.of()), tls(), views.forNode(s.nodeId),
            payloads);
      }
    }
  }

  int openSessions() {
    return sessions.size();
  }

  /**
   * {@code nodeId} applied the networks of set {@code n}: the tasks that no node's rules name any
   * more are let go (their nodes are sent their desired state at once).
   */
  void networksApplied(String nodeId, long n) {
    boolean known;
    synchronized (gate) {
      known = gate.applied(nodeId, n);
    }
    if (known) {
      regate();
    }
  }

  /** Sends again every set whose gated tasks changed (acknowledgements came, or a hold ran out). */
  private void regate() {
    for (Session s : sessions) {
      synchronized (s) {
        if (s.lastMade != null && RotationGate.mayHold(s.lastMade.tasks())) {
          deliver(s, s.lastMade); // only a set with a leaving task can change by the gate
        }
      }
    }
  }

  private void removed(Session s) {
    sessions.remove(s);
    if (!connected(s.nodeId)) {
      synchronized (gate) {
        gate.forget(s.nodeId); // its rules no longer count
      }
    }
  }

  /** Ends every open session with {@code why} (this manager stopped leading, or is closing). */
  void closeAll(StatusRuntimeException why) {
    for (Session s : sessions) {
      end(s, why);
    }
  }

  private void end(Session s, StatusRuntimeException why) {
    synchronized (s) {
      if (!s.done) {
        s.done = true;
        try {
          s.out.onError(why);
        } catch (RuntimeException e) {
          LOG.debug("session of {} already gone: {}", s.nodeId, e.getMessage());
        }
      }
    }
    removed(s);
  }

  private void watch() {
    long last = state.store().index();
    while (!closed) {
      try {
        long now = state.store().awaitIndex(last, WAIT);
        if (now <= last || sessions.isEmpty()) {
          last = Math.max(last, now);
          boolean holding;
          synchronized (gate) {
            holding = gate.holding();
          }
          if (holding) {
            regate(); // a hold may have run out
          }
          continue;
        }
        ChangeBatch batch = state.store().changesSince(last);
        last = Math.max(now, batch.index());
        boolean relevant = !batch.complete()
            || batch.changes().stream().map(Change::object).anyMatch(o -> WATCHED.contains(o.kind()));
        if (relevant) {
          refreshAll(last);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("dispatcher session watcher: {}", e.getMessage());
        sleepQuietly();
      }
    }
  }

  private void refreshAll(long index) {
    Map<String, Node> members = state.nodes().stream().collect(Collectors.toMap(Node::id, n -> n));
    Map<String, List<Task>> byNode = tasksByNode(state.tasks());
    TlsInfo tls = tls();
    io.berth.cluster.network.NetworkViews views = io.berth.cluster.network.NetworkViews.of(state);
    NodePayloads payloads = NodePayloads.of(state);
    for (Session s : sessions) {
      Node member = members.get(s.nodeId);
      if (member != null) {
        send(s, index, member.spec().role(), byNode.getOrDefault(s.nodeId, List.of()), tls, views.forNode(s.nodeId),
            payloads);
      } else {
        end(s, Status.NOT_FOUND.withDescription("node " + s.nodeId + " was removed from the swarm")
            .asRuntimeException());
      }
    }
    Set<String> placed = byNode.values().stream().flatMap(List::stream).map(Task::id).collect(Collectors.toSet());
    synchronized (gate) {
      gate.retain(placed);
    }
  }

  private NodeRole roleOf(String nodeId) {
    return state.node(nodeId).map(n -> n.spec().role()).orElse(NodeRole.WORKER);
  }

  /** The TLS material every node should hold now (null without a stored CA, which a manager always has). */
  private TlsInfo tls() {
    return state.ca().map(c -> TlsInfos.forNodes(ClusterCa.restore(c.caState(), Clock.systemUTC()))).orElse(null);
  }

  private void send(Session s, long index, NodeRole role, List<Task> tasks, TlsInfo tls,
      io.berth.cluster.network.NetworkView networks, NodePayloads payloads) {
    Assignments made = new Assignments(heartbeats.period().toNanos(), Managers.addresses(state), role, tasks,
        logSubscriptions.apply(s.nodeId), tls, networks, payloads.secretsFor(tasks), payloads.configsFor(tasks), 0);
    synchronized (s) {
      if (s.done || index < s.sentIndex) {
        return;
      }
      s.lastMade = made;
      s.sentIndex = index;
      deliver(s, made);
    }
  }

  /** Sends {@code made} through the gate unless the node has it already; under {@code s}'s lock. */
  private void deliver(Session s, Assignments made) {
    if (s.done) {
      return;
    }
    Assignments next;
    long n = seq.incrementAndGet();
    synchronized (gate) {
      if (RotationGate.mayHold(made.tasks())) {
        Set<String> open = sessions.stream().filter(o -> !o.done).map(o -> o.nodeId).collect(Collectors.toSet());
        next = new Assignments(made.heartbeatPeriodNanos(), made.managers(), made.role(),
            gate.gate(made.tasks(), open), made.logSubscriptions(), made.tls(), made.networks(), made.secrets(),
            made.configs(), 0);
      } else {
        next = made; // nothing leaving: the open sessions need not be listed for every node
      }
      if (next.equals(s.lastSent)) {
        return;
      }
      gate.sent(s.nodeId, n, next.networks());
    }
    try {
      s.out.onNext(next.numbered(n));
      s.lastSent = next;
    } catch (RuntimeException e) {
      s.done = true;
      removed(s);
      LOG.debug("session of {} ended: {}", s.nodeId, e.getMessage());
    }
  }

  /** The tasks a node should know about: those placed on it, from assigned on (swarmkit's rule). */
  private static Map<String, List<Task>> tasksByNode(List<Task> tasks) {
    return tasks.stream()
        .filter(t -> !t.nodeId().isEmpty() && t.status().state().compareTo(TaskState.ASSIGNED) >= 0)
        .collect(Collectors.groupingBy(Task::nodeId));
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    watcher.interrupt();
  }
}
