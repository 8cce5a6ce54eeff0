package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.state.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One orchestration pass over a snapshot: every orchestrator's decisions in one plan. Each
 * service is handled by the orchestrator of its mode and tasks without a service by {@link
 * ServiceRemoval}, so no task gets two writers in one pass.
 */
public final class Orchestration {
  private Orchestration() {}

  public static Plan pass(Snapshot snap, Instant now) {
    Plan plan = new Plan();
    NodeView nodes = new NodeView(byId(snap.nodes()), downSilence(snap));
    Map<String, List<Task>> tasks = byService(snap.tasks());
    ServiceRemoval.pass(snap.services(), snap.tasks(), now, plan);
    ReplicatedOrchestrator.pass(snap.services(), tasks, nodes, now, plan);
    GlobalOrchestrator.pass(snap.services(), tasks, nodes, now, plan);
    ReplicatedJobOrchestrator.pass(snap.services(), tasks, nodes, now, plan);
    return plan;
  }

  /** How long a down node had been silent when written down, per the swarm's heartbeat period. */
  private static Duration downSilence(Snapshot snap) {
    return snap.cluster().map(c -> c.spec().dispatcher())
        .orElseGet(() -> new SwarmSpec.Dispatcher(SwarmSpec.DEFAULT_HEARTBEAT_NANOS)).downAfter();
  }

  /** Nodes by id, in id order (so passes over the same state decide the same way). */
  static Map<String, Node> byId(List<Node> nodes) {
    Map<String, Node> out = new TreeMap<>();
    nodes.forEach(n -> out.put(n.id(), n));
    return out;
  }

  static Map<String, List<Task>> byService(List<Task> tasks) {
    Map<String, List<Task>> out = new HashMap<>();
    for (Task t : tasks) {
      if (t.serviceId() != null) {
        out.computeIfAbsent(t.serviceId(), k -> new ArrayList<>()).add(t);
      }
    }
    return out;
  }
}
