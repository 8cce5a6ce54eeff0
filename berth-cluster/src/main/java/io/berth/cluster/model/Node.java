package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Instant;
import java.util.List;

/**
 * A machine of the cluster (Docker's Node object). The user writes {@link #spec}, the node's
 * agent its {@link #description}, the dispatcher its {@link #status}; {@link #managerStatus} is
 * null for a worker. {@link #attachments} (Berth's field, swarmkit's Node.Attachments) holds the
 * node's own address on the {@code ingress} network, the allocator's write: the routing mesh
 * rewrites the source of traffic it forwards to another node's task to it.
 */
public record Node(
    @JsonProperty("ID") String id,
    @JsonProperty("Version") Version version,
    @JsonProperty("CreatedAt") @WireTime Instant createdAt,
    @JsonProperty("UpdatedAt") @WireTime Instant updatedAt,
    @JsonProperty("Spec") NodeSpec spec,
    @JsonProperty("Description") NodeDescription description,
    @JsonProperty("Status") NodeStatus status,
    @JsonProperty("ManagerStatus") ManagerStatus managerStatus,
    @JsonProperty("Attachments") List<NetworkAttachment> attachments) {
  public Node {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a node needs an ID");
    }
    version = version == null ? Version.ZERO : version;
    spec = spec == null ? new NodeSpec(null, null, null, null) : spec;
    description = description == null ? new NodeDescription(null, null, null, null) : description;
    status = status == null ? new NodeStatus(null, null, null) : status;
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
  }

  public Node(String id, Version version, Instant createdAt, Instant updatedAt, NodeSpec spec,
      NodeDescription description, NodeStatus status, ManagerStatus managerStatus) {
    this(id, version, createdAt, updatedAt, spec, description, status, managerStatus, null);
  }

  /** A worker's node (no manager status). */
  public Node(String id, Version version, Instant createdAt, Instant updatedAt, NodeSpec spec,
      NodeDescription description, NodeStatus status) {
    this(id, version, createdAt, updatedAt, spec, description, status, null, null);
  }

  public Node withSpec(NodeSpec value) {
    return new Node(id, version, createdAt, updatedAt, value, description, status, managerStatus, attachments);
  }

  public Node withStatus(NodeStatus value) {
    return new Node(id, version, createdAt, updatedAt, spec, description, value, managerStatus, attachments);
  }

  public Node withDescription(NodeDescription value) {
    return new Node(id, version, createdAt, updatedAt, spec, value, status, managerStatus, attachments);
  }

  public Node withManagerStatus(ManagerStatus value) {
    return new Node(id, version, createdAt, updatedAt, spec, description, status, value, attachments);
  }

  public Node withUpdatedAt(Instant at) {
    return new Node(id, version, createdAt, at, spec, description, status, managerStatus, attachments);
  }

  /** The allocator's write: the node's attachments (its ingress address). */
  public Node withAttachments(List<NetworkAttachment> value) {
    return new Node(id, version, createdAt, updatedAt, spec, description, status, managerStatus, value);
  }
}
