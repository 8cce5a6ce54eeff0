package io.berth.daemon.metrics;

import io.berth.cluster.metrics.ClusterTallies;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.TaskState;
import io.berth.daemon.swarm.SwarmNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Swarm mode's series. From the replicated store, read once per scrape on a manager (zero
 * elsewhere): {@code berth_cluster_nodes{state,availability}}, {@code berth_cluster_tasks{state}},
 * {@code berth_cluster_raft_term}, {@code berth_cluster_raft_leader} and
 * {@code berth_cluster_raft_leader_changes_total}. From the node's tallies (berth-cluster counts
 * without a metrics library): commit time of store writes, how long tasks waited for a node,
 * scheduling failures by reason, and the time of each leader loop's pass.
 */
public final class ClusterMeters {
  /** The leader's loops ({@code ManagerLoops}), so their series exist before a first pass. */
  private static final List<String> LOOPS = List.of("allocator", "orchestrator", "scheduler", "task-reaper");
  private static final List<String> REASONS = List.of("resources", "constraints", "host_port", "max_replicas",
      "platform", "no_available_node", "no_node", "other");

  private final SwarmNode swarm;
  private Optional<SwarmNode.ManagerReadings> readings = Optional.empty();

  private ClusterMeters(SwarmNode swarm) {
    this.swarm = swarm;
  }

  public static void bind(DaemonMetrics metrics, SwarmNode swarm) {
    ClusterMeters m = new ClusterMeters(swarm);
    metrics.beforeScrape(m::refresh);
    MeterRegistry r = metrics.registry();
    for (NodeState state : NodeState.values()) {
      for (NodeAvailability availability : NodeAvailability.values()) {
        Gauge.builder("berth.cluster.nodes", m, x -> x.nodes(state, availability))
            .description("Swarm nodes by state and availability (managers only)")
            .tags("state", state.wire(), "availability", availability.wire()).register(r);
      }
    }
    for (TaskState state : TaskState.values()) {
      Gauge.builder("berth.cluster.tasks", m, x -> x.tasks(state))
          .description("Swarm tasks by observed state (managers only)").tag("state", state.wire()).register(r);
    }
    Gauge.builder("berth.cluster.raft.term", m, x -> x.readings.map(SwarmNode.ManagerReadings::raftTerm).orElse(0L))
        .description("The Raft term this manager is in").register(r);
    Gauge.builder("berth.cluster.raft.leader", m, x -> x.readings.map(g -> g.leader() ? 1 : 0).orElse(0))
        .description("1 while this manager leads the Raft group").register(r);
    FunctionCounter.builder("berth.cluster.raft.leader.changes", m,
            x -> x.readings.map(SwarmNode.ManagerReadings::leaderChanges).orElse(0L))
        .description("Leader changes this manager's Raft member has seen since it started").register(r);
    ClusterTallies t = swarm.tallies();
    timer(r, "berth.cluster.raft.commit", "Time for a write to the replicated store to commit", t.commits());
    FunctionCounter.builder("berth.cluster.raft.commit.failures", t, ClusterTallies::failedCommits)
        .description("Writes to the replicated store that failed (no leader in time, refused)").register(r);
    timer(r, "berth.cluster.scheduling.wait", "Time tasks waited pending until the scheduler assigned them a node",
        t.scheduled());
    for (String reason : REASONS) {
      FunctionCounter.builder("berth.cluster.scheduling.failures", t,
              x -> x.unschedulable().getOrDefault(reason, 0L))
          .description("Tasks no node could take, by the scheduler's main reason").tag("reason", reason).register(r);
    }
    for (String loop : LOOPS) {
      timer(r, "berth.cluster.reconcile", "Time of one pass of a leader loop, its write included", t.pass(loop),
          "loop", loop);
    }
  }

  private static void timer(MeterRegistry r, String name, String help, ClusterTallies.Tally tally, String... tags) {
    FunctionTimer.builder(name, tally, ClusterTallies.Tally::count, ClusterTallies.Tally::seconds, TimeUnit.SECONDS)
        .description(help).tags(tags).register(r);
  }

  private void refresh() {
    readings = swarm.managerReadings();
  }

  private double nodes(NodeState state, NodeAvailability availability) {
    return readings.map(g -> g.nodes().stream().filter(n -> n.status().state() == state
        && n.spec().availability() == availability).count()).orElse(0L);
  }

  private double tasks(TaskState state) {
    return readings.map(g -> g.tasks().stream().filter(t -> t.status().state() == state).count()).orElse(0L);
  }
}
