package io.berth.daemon.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cluster.control.NodeControl;
import io.berth.cluster.control.ServiceControl;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.Task;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;

/**
 * The four things a write token may do from the dashboard, each the same use case the Engine API
 * runs for the docker CLI's command, with its checks: {@code service scale} (an update of the
 * replicas from the version just read), {@code service rollback}, {@code node update
 * --availability}, and removing the container of a task that has ended (on the node that ran it). A concurrent change makes the versioned update fail with the API's
 * "update out of sequence" conflict; the page shows it and the user tries again. The task's
 * container goes as the agent would remove it (volumes and secret files with it); the agent,
 * told later to remove it too, finds it gone and is done.
 */
final class DashboardActions {
  private final ClusterAccess cluster;
  private final SwarmMembership swarm;
  private final TaskContainerRemoval taskContainers;

  DashboardActions(ClusterAccess cluster, SwarmMembership swarm, TaskContainerRemoval taskContainers) {
    this.cluster = cluster;
    this.swarm = swarm;
    this.taskContainers = taskContainers;
  }

  /** As {@code docker service scale SERVICE=N}: replicated services only, N a whole number from 0. */
  Service scale(String serviceRef, JsonNode body) {
    JsonNode n = body.get("Replicas");
    if (n == null || !n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
      throw new InvalidArgumentException("invalid Replicas " + (n == null ? "(missing)" : n.toString())
          + ": expected a whole number of 0 or more");
    }
    ServiceControl services = cluster.services();
    Service current = services.inspect(serviceRef);
    if (current.spec().mode().kind() != ServiceMode.Kind.REPLICATED) {
      throw new InvalidArgumentException("scale can only be used with replicated mode: service "
          + current.spec().name() + " is not replicated");
    }
    ServiceSpec s = current.spec();
    ServiceSpec scaled = new ServiceSpec(s.name(), s.labels(), s.taskTemplate(), ServiceMode.ofReplicated(n.asLong()),
        s.endpointSpec(), s.updateConfig(), s.rollbackConfig());
    return services.update(current.id(), current.version().index(), scaled, null, "spec");
  }

  /** As {@code docker service rollback}: back to the previous spec (a 400 when there is none). */
  Service rollback(String serviceRef) {
    ServiceControl services = cluster.services();
    Service current = services.inspect(serviceRef);
    return services.rollback(current.id(), current.version().index());
  }

  /** As {@code docker node update --availability active|pause|drain}. */
  Node availability(String nodeRef, JsonNode body) {
    JsonNode a = body.get("Availability");
    if (a == null || !a.isTextual()) {
      throw new InvalidArgumentException("missing Availability: expected active, pause or drain");
    }
    NodeAvailability availability = NodeAvailability.parse(a.asText());
    NodeControl nodes = cluster.nodes();
    Node current = nodes.inspect(nodeRef);
    return nodes.update(current.id(), current.version().index(), current.spec().withAvailability(availability));
  }

  /**
   * Removes the container of task {@code taskRef}, which must have ended (a 409 otherwise: the
   * orchestrator still counts on it) and have run on this node (its container is in this engine).
   */
  String removeTaskContainer(String taskRef) {
    Task t = cluster.tasks().inspect(taskRef);
    if (!t.status().state().isTerminal()) {
      throw new ConflictException("task " + t.id() + " is " + t.status().state().wire()
          + ": only the container of a task that has ended can be removed");
    }
    var status = t.status().containerStatus();
    if (status == null || status.containerId() == null || status.containerId().isEmpty()) {
      throw new ConflictException("task " + t.id() + " has no container to remove");
    }
    String self = swarm.info().nodeId();
    if (!self.equals(t.nodeId())) {
      throw new ConflictException("task " + t.id() + " ran on node " + t.nodeId()
          + ": remove its container from that node's dashboard (this is node " + self + ")");
    }
    taskContainers.remove(self, status.containerId());
    return status.containerId();
  }
}
