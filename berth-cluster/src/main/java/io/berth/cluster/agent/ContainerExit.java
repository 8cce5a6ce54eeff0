package io.berth.cluster.agent;

/**
 * How a task's container ended: its exit code, and the engine's error when it could not run at
 * all (empty otherwise).
 */
public record ContainerExit(int exitCode, String error) {
  public ContainerExit {
    error = error == null ? "" : error;
  }
}
