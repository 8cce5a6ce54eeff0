package io.berth.cluster.dispatcher;

import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.ConflictException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives up on the tasks of a node that stayed down too long: after {@link #AFTER} (swarmkit's
 * 24 hours) its tasks that were assigned, starting or running move to {@code orphaned}, a final
 * state, so they stop holding their overlay addresses and stop being every other node's peers,
 * and the reaper can drop them. Their services were rescheduled long before (a down node's tasks
 * are replaced at once); this only ends what nobody can report on any more. The clock starts when
 * this leader first sees the node down (kept in memory, as swarmkit's dispatcher keeps it): a
 * new leader gives every down node the whole period again.
 */
final class OrphanedTasks {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanedTasks.class);
  static final Duration AFTER = Duration.ofHours(24);
  static final String MESSAGE = "task belongs to a node that has been down for too long";

  private final ClusterState state;
  private final Clock clock;
  private final Duration after;
  private final Map<String, Instant> downSince = new HashMap<>();

  OrphanedTasks(ClusterState state, Clock clock, Duration after) {
    this.state = state;
    this.clock = clock;
    this.after = after;
  }

  /** One look at the nodes: starts, ends or acts on each down node's clock. On one thread. */
  void check(List<Node> nodes) {
    Instant now = clock.instant();
    Map<String, Node> down = new HashMap<>();
    nodes.stream().filter(n -> n.status().state() == NodeState.DOWN).forEach(n -> down.put(n.id(), n));
    downSince.keySet().retainAll(down.keySet());
    for (String id : down.keySet()) {
      Instant since = downSince.computeIfAbsent(id, k -> now);
      if (!now.isBefore(since.plus(after))) {
        orphan(id, now);
      }
    }
  }

  /** Forgets the clocks (this manager stopped leading). */
  void reset() {
    downSince.clear();
  }

  private void orphan(String nodeId, Instant now) {
    List<Task> stranded = state.tasksOnNode(nodeId).stream()
        .filter(t -> t.status().state().compareTo(TaskState.ASSIGNED) >= 0
            && t.status().state().compareTo(TaskState.RUNNING) <= 0)
        .toList();
    if (stranded.isEmpty()) {
      return;
    }
    ClusterState.Batch batch = state.batch();
    stranded.forEach(t -> batch.update(t.withStatus(t.status().moveTo(TaskState.ORPHANED, MESSAGE, null, now))));
    try {
      batch.apply();
      LOG.info("node {} down for {}: {} of its tasks orphaned", nodeId, after, stranded.size());
    } catch (ConflictException e) {
      LOG.debug("orphaning the tasks of node {} raced another write; next check: {}", nodeId, e.getMessage());
    }
  }
}
