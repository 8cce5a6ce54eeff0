package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;

/**
 * What makes a task a network attachment (Docker's NetworkAttachmentSpec, swarmkit's attachment
 * runtime): a plain container ({@code docker run --network}) of the task's node holding an
 * address on an attachable swarm network. Such a task has no service and no container spec; the
 * node made it through the dispatcher, the allocator gives it its address, and it lives until
 * the node detaches the container.
 */
public record NetworkAttachmentSpec(@JsonProperty("ContainerID") String containerId) {
  public NetworkAttachmentSpec {
    if (containerId == null || containerId.isEmpty()) {
      throw new InvalidArgumentException("a network attachment needs a ContainerID");
    }
  }
}
