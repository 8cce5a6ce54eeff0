package io.berth.cluster.dispatcher;

import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.state.ClusterState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is alive, as the leader's dispatcher sees it: each node's heartbeat deadline, kept in
 * memory (swarmkit does the same; a deadline is worthless on another manager). A node that lets
 * its deadline pass (the period times {@link #GRACE}, swarmkit's grace) is written down; a
 * heartbeat or a session makes it ready again. When this manager becomes leader every node not
 * already down gets a fresh, doubled grace period ({@link #GRACE_AT_ELECTION}, swarmkit's grace
 * for nodes of unknown state): its session must first notice the old leader is gone and find
 * this one, so an election does not mark healthy nodes down and move their tasks. A node another
 * manager admitted gets the normal grace when the leader first sees it; when this manager stops
 * leading the deadlines are dropped and {@code onLostLeadership} runs. The tasks of a node down
 * for a day are orphaned ({@link OrphanedTasks}).
 */
final class Heartbeats implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
  /** Heartbeat periods a node may miss before it is down. */
  static final int GRACE = SwarmSpec.Dispatcher.MISSED_BEATS_BEFORE_DOWN;
  /** Heartbeat periods a node may take to reach a newly elected leader. */
  static final int GRACE_AT_ELECTION = 2 * GRACE;
  static final String DOWN_MESSAGE = "heartbeat failure";

  private final ClusterState state;
  private final Leadership leadership;
  private final Clock clock;
  private final NodeStatusWriter writer;
  private final Runnable onLostLeadership;
  private final OrphanedTasks orphans;
  private final Map<String, Instant> deadlines = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "dispatcher-heartbeats");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean active;
  /** Checks done so far: lets a test wait for one to pass before asserting that nothing changed. */
  private final java.util.concurrent.atomic.AtomicLong checks = new java.util.concurrent.atomic.AtomicLong();

  Heartbeats(ClusterState state, Leadership leadership, Clock clock, Runnable onLostLeadership) {
    this.state = state;
    this.leadership = leadership;
    this.clock = clock;
    this.writer = new NodeStatusWriter(state, clock);
    this.onLostLeadership = onLostLeadership;
    this.orphans = new OrphanedTasks(state, clock, OrphanedTasks.AFTER);
  }

  void start() {
    timer.execute(this::tick);
  }

  /** The period nodes are told to heartbeat at (the swarm's Dispatcher.HeartbeatPeriod). */
  Duration period() {
    long nanos = state.cluster().map(Cluster::spec).map(SwarmSpec::dispatcher)
        .map(SwarmSpec.Dispatcher::heartbeatPeriodNanos).orElse(SwarmSpec.DEFAULT_HEARTBEAT_NANOS);
    return Duration.ofNanos(nanos);
  }

  /**
   * A sign of life from {@code nodeId} at {@code addr}: a new deadline, and ready if it was not.
   * A session's first beat carries the node's description (null keeps the stored one).
   */
  void beat(String nodeId, String addr, NodeDescription description) {
    deadlines.put(nodeId, clock.instant().plus(period().multipliedBy(GRACE)));
    writer.write(nodeId, NodeState.READY, null, addr, description);
  }

  /** Whether this dispatcher acts as the leader's now (it has taken over the deadlines). */
  boolean active() {
    return active;
  }

  /** A node that just joined: it has one grace period to open its session. */
  void expect(String nodeId) {
    if (active) {
      deadlines.put(nodeId, clock.instant().plus(period().multipliedBy(GRACE)));
    }
  }

  long checks() {
    return checks.get();
  }

  private void tick() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.warn("heartbeat check failed: {}", e.getMessage());
    } finally {
      checks.incrementAndGet();
      if (!timer.isShutdown()) {
        long every = Math.clamp(period().toMillis() / 4, 20, 1000);
        timer.schedule(this::tick, every, TimeUnit.MILLISECONDS);
      }
    }
  }

  private void check() {
    if (!leadership.isLeader()) {
      if (active) {
        active = false;
        deadlines.clear();
        orphans.reset();
        onLostLeadership.run();
      }
      return;
    }
    Instant now = clock.instant();
    // every node not down is watched: at taking the lead all of them get a fresh grace period,
    // later the ones another manager admitted
    Instant fresh = now.plus(period().multipliedBy(active ? GRACE : GRACE_AT_ELECTION));
    for (Node n : state.nodes()) {
      if (n.status().state() != NodeState.DOWN) {
        deadlines.putIfAbsent(n.id(), fresh);
      }
    }
    active = true;
    for (Map.Entry<String, Instant> e : deadlines.entrySet()) {
      if (now.isAfter(e.getValue()) && deadlines.remove(e.getKey(), e.getValue())) {
        LOG.info("node {} missed its heartbeats (deadline {}); marking it down", e.getKey(), e.getValue());
        writer.write(e.getKey(), NodeState.DOWN, DOWN_MESSAGE, null, null);
      }
    }
    orphans.check(state.nodes());
  }

  @Override
  public void close() {
    timer.shutdownNow();
    deadlines.clear();
  }
}
