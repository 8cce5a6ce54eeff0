package io.berth.cluster.control;

import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.state.ClusterState;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The user's writes of nodes ({@code docker node update/promote/demote/rm}) and their reads, with
 * swarmkit's rules and texts: the spec changes only from the version read, the last manager is
 * never demoted, a manager is demoted before it is removed, a ready node is removed only with
 * force, and a removed node's unfinished tasks are orphaned in the same write (no agent will
 * report them again). Promotion and demotion here set the desired role; the node's membership
 * in the managers' Raft group follows it elsewhere.
 */
public final class NodeControl {
  private static final Set<String> LIST_FILTERS = Set.of("id", "label", "membership", "name", "node.label", "role");

  private final ClusterState state;
  private final Clock clock;

  public NodeControl(ClusterState state, Clock clock) {
    this.state = state;
    this.clock = clock;
  }

  /** By id, hostname (ignoring case, as swarmkit's name index) or id prefix. */
  public Node inspect(String ref) {
    return Lookup.find("node", ref, state.nodes(), Node::id,
        n -> n.description().hostname().equalsIgnoreCase(ref)
            || (n.spec().name() != null && n.spec().name().equalsIgnoreCase(ref)));
  }

  /**
   * Docker's node list filters: id (prefix), label (engine labels), node.label (the node's own
   * labels), membership (accepted, pending: every node Berth lists is accepted), name (hostname
   * prefix), role (manager, worker).
   */
  public List<Node> list(Filters filters) {
    filters.accept(LIST_FILTERS);
    return state.nodes().stream()
        .filter(n -> filters.any("id", n.id()::startsWith))
        .filter(n -> filters.any("name", n.description().hostname()::startsWith))
        .filter(n -> filters.any("role", r -> n.spec().role().wire().equals(r)))
        .filter(n -> filters.any("membership", "accepted"::equals))
        .filter(n -> filters.labels("node.label", n.spec().labels()))
        .filter(n -> filters.labels("label", n.description().engine().labels()))
        .toList();
  }

  /** {@code docker node update}: the whole new spec from the version read. */
  public Node update(String ref, long version, NodeSpec spec) {
    Node current = inspect(ref);
    // swarmkit refuses a demotion of the last manager before it looks at the version
    if (current.spec().role() == NodeRole.MANAGER && spec.role() == NodeRole.WORKER) {
      long managers = state.nodes().stream().filter(n -> n.spec().role() == NodeRole.MANAGER).count();
      if (managers <= 1) {
        throw RpcErrors.failedPrecondition("attempting to demote the last manager of the swarm");
      }
    }
    if (current.version().index() != version) {
      throw RpcErrors.outOfSequence();
    }
    // the version read is the current one (checked above), so the store refuses a write that came between
    Node next = current.withSpec(spec);
    return ClusterState.decode(state.batch().update(next).apply().getFirst(), Node.class);
  }

  /** {@code docker node rm}: returns the node removed. */
  public Node remove(String ref, boolean force) {
    Node node = inspect(ref);
    if (node.spec().role() == NodeRole.MANAGER) {
      throw RpcErrors.failedPrecondition("node " + node.id()
          + " is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal");
    }
    if (!force && node.status().state() == NodeState.READY) {
      throw RpcErrors.failedPrecondition("node " + node.id()
          + " is not down and can't be removed");
    }
    Instant now = clock.instant();
    ClusterState.Batch batch = state.batch().delete(ClusterState.NODES, node.id());
    for (Task t : state.tasksOnNode(node.id())) {
      if (t.status().state().compareTo(TaskState.COMPLETE) < 0) {
        batch.update(t.withStatus(t.status().moveTo(TaskState.ORPHANED,
            "Task belonged to a node that has been deleted", null, now)));
      }
    }
    batch.apply();
    return node;
  }
}
