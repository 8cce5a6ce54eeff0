package io.berth.daemon.dashboard;

/**
 * Removes an ended task's container the way the node's agent removes one: with its anonymous
 * volumes and the tmpfs of its secrets and configs, not only the container as {@code docker rm} would.
 */
@FunctionalInterface
public interface TaskContainerRemoval {
  /** Removes container {@code containerId} of a task this node ({@code nodeId}) ran. */
  void remove(String nodeId, String containerId);
}
