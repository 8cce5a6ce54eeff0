package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One instance of a service on one node (Docker's Task object). Each field has one writer:
 * the orchestrator makes the task (spec, service, slot) and writes {@link #desiredState}, the
 * scheduler {@link #nodeId}, the agent {@link #status}; the allocator {@link #networksAttachments} and the
 * allocated {@link #endpoint}, as it moves the task from new to pending.
 */
public record Task(
    @JsonProperty("ID") String id,
    @JsonProperty("Version") Version version,
    @JsonProperty("CreatedAt") @WireTime Instant createdAt,
    @JsonProperty("UpdatedAt") @WireTime Instant updatedAt,
    @JsonProperty("Spec") TaskSpec spec,
    @JsonProperty("ServiceID") String serviceId,
    @JsonProperty("Slot") long slot,
    @JsonProperty("NodeID") String nodeId,
    @JsonProperty("Status") TaskStatus status,
    @JsonProperty("DesiredState") TaskState desiredState,
    @JsonProperty("Endpoint") Endpoint endpoint,
    @JsonProperty("ServiceAnnotations") ServiceAnnotations serviceAnnotations,
    @JsonProperty("NetworksAttachments") List<NetworkAttachment> networksAttachments) {
  /**
   * The service's name and labels, copied into the task when the orchestrator makes it (swarmkit's
   * ServiceAnnotations), so a node names the task's container {@code <service>.<slot>.<task id>}
   * and expands its templates ({@code {{.Service.Labels}}}) as Docker does without reading the
   * service, which a worker never sees.
   */
  public record ServiceAnnotations(@JsonProperty("Name") String name,
      @JsonProperty("Labels") @com.fasterxml.jackson.annotation.JsonInclude(
          com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY) Map<String, String> labels) {
    public ServiceAnnotations {
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public ServiceAnnotations(String name) {
      this(name, null);
    }
  }

  public Task {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a task needs an ID");
    }
    if (spec == null) {
      throw new InvalidArgumentException("task " + id + " needs a Spec");
    }
    version = version == null ? Version.ZERO : version;
    nodeId = nodeId == null ? "" : nodeId;
    status = status == null ? new TaskStatus(null, null, null, null) : status;
    desiredState = desiredState == null ? TaskState.RUNNING : desiredState;
    endpoint = endpoint == null ? Endpoint.NONE : endpoint;
    networksAttachments = networksAttachments == null ? List.of() : List.copyOf(networksAttachments);
  }

  /** A task with its service's name and no network attachments yet (the orchestrator's make). */
  public Task(String id, Version version, Instant createdAt, Instant updatedAt, TaskSpec spec, String serviceId,
      long slot, String nodeId, TaskStatus status, TaskState desiredState, Endpoint endpoint,
      ServiceAnnotations serviceAnnotations) {
    this(id, version, createdAt, updatedAt, spec, serviceId, slot, nodeId, status, desiredState, endpoint,
        serviceAnnotations, null);
  }

  /** A task without its service's name (see {@link ServiceAnnotations}). */
  public Task(String id, Version version, Instant createdAt, Instant updatedAt, TaskSpec spec, String serviceId,
      long slot, String nodeId, TaskStatus status, TaskState desiredState, Endpoint endpoint) {
    this(id, version, createdAt, updatedAt, spec, serviceId, slot, nodeId, status, desiredState, endpoint, null);
  }

  /**
   * A network attachment (a plain container's address on a swarm network, see
   * {@link NetworkAttachmentSpec}): no service's, already on its node, left alone by the
   * orchestrators, the scheduler and the agent.
   */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isAttachment() {
    return spec.networkAttachmentSpec() != null;
  }

  /** The service's name as the orchestrator copied it, or null when it did not. */
  public String serviceName() {
    return serviceAnnotations == null ? null : serviceAnnotations.name();
  }

  /** The task carrying its service's name (the orchestrator's write, when it makes the task). */
  public Task withServiceName(String name) {
    return new Task(id, version, createdAt, updatedAt, spec, serviceId, slot, nodeId, status, desiredState, endpoint,
        new ServiceAnnotations(name), networksAttachments);
  }

  /** The task placed on {@code node}: the scheduler's one write besides the status it moves to assigned. */
  public Task assignedTo(String node, Instant at) {
    return new Task(id, version, createdAt, at, spec, serviceId, slot, node,
        status.moveTo(TaskState.ASSIGNED, "scheduler assigned task to node", null, at), desiredState, endpoint,
        serviceAnnotations, networksAttachments);
  }

  /** A task made for one node (a global service's) confirmed there by the scheduler. */
  public Task confirmedOnNode(Instant at) {
    return new Task(id, version, createdAt, at, spec, serviceId, slot, nodeId,
        status.moveTo(TaskState.ASSIGNED, "scheduler confirmed task can run on preassigned node", null, at),
        desiredState, endpoint, serviceAnnotations, networksAttachments);
  }

  /** The task made for one node (a global service's): the orchestrator names the node, the scheduler confirms it. */
  public Task withNode(String node) {
    return new Task(id, version, createdAt, updatedAt, spec, serviceId, slot, node, status, desiredState, endpoint,
        serviceAnnotations, networksAttachments);
  }

  public Task withStatus(TaskStatus value) {
    return new Task(id, version, createdAt, updatedAt, spec, serviceId, slot, nodeId, value, desiredState, endpoint,
        serviceAnnotations, networksAttachments);
  }

  /**
   * The desired state moved to {@code next}, checked against the same forward-only table, with one
   * addition: a job's task is desired complete, and an orchestrator that gives up on it (its node
   * is lost, the job is restarted) moves it to shutdown, as swarmkit does.
   */
  public Task withDesiredState(TaskState next) {
    TaskState moved = desiredState == TaskState.COMPLETE && next == TaskState.SHUTDOWN ? next : desiredState.moveTo(next);
    return new Task(id, version, createdAt, updatedAt, spec, serviceId, slot, nodeId, status, moved, endpoint,
        serviceAnnotations, networksAttachments);
  }

  /** The task as written by its orchestrator at {@code at} (the time a restart delay counts from). */
  public Task touchedAt(Instant at) {
    return new Task(id, version, createdAt, at, spec, serviceId, slot, nodeId, status, desiredState, endpoint,
        serviceAnnotations, networksAttachments);
  }

  /**
   * The allocator's write: the task's addresses on its networks and its service's allocated
   * endpoint, and the move from new to pending that hands it to the scheduler.
   */
  public Task allocated(List<NetworkAttachment> attachments, Endpoint allocatedEndpoint, Instant at) {
    return new Task(id, version, createdAt, at, spec, serviceId, slot, nodeId,
        status.moveTo(TaskState.PENDING, "pending task scheduling", null, at), desiredState, allocatedEndpoint,
        serviceAnnotations, attachments);
  }

  /** The allocator's write for a task it cannot allocate yet: it stays new, the reason in its status. */
  public Task notAllocated(List<NetworkAttachment> attachments, String reason, Instant at) {
    return new Task(id, version, createdAt, at, spec, serviceId, slot, nodeId,
        status.moveTo(TaskState.NEW, status.message(), reason, at), desiredState, endpoint, serviceAnnotations,
        attachments);
  }
}
