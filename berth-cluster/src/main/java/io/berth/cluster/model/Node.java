package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Instant;

/**
 * A machine of the cluster (Docker's Node object). The user writes {@link #spec}, the node's
 * agent its {@link #description}, the dispatcher its {@link #status}.
 */
public record Node(
    @JsonProperty("ID") String id,
    @JsonProperty("Version") Version version,
    @JsonProperty("CreatedAt") @WireTime Instant createdAt,
    @JsonProperty("UpdatedAt") @WireTime Instant updatedAt,
    @JsonProperty("Spec") NodeSpec spec,
    @JsonProperty("Description") NodeDescription description,
    @JsonProperty("Status") NodeStatus status) {
  public Node {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a node needs an ID");
    }
    version = version == null ? Version.ZERO : version;
    spec = spec == null ? new NodeSpec(null, null, null, null) : spec;
    description = description == null ? new NodeDescription(null, null, null, null) : description;
    status = status == null ? new NodeStatus(null, null, null) : status;
  }

  public Node withSpec(NodeSpec value) {
    return new Node(id, version, createdAt, updatedAt, value, description, status);
  }

  public Node withStatus(NodeStatus value) {
    return new Node(id, version, createdAt, updatedAt, spec, description, value);
  }
}
