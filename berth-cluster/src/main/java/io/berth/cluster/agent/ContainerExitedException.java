package io.berth.cluster.agent;

/**
 * Thrown by {@link TaskExecutor#start} when the container ended before it counted as started:
 * its health check found it unhealthy and the executor stopped it, as Docker's executor does.
 * The agent reports it as any exit ("task: non-zero exit (143): unhealthy container"), not as a
 * failure to start.
 */
public final class ContainerExitedException extends RuntimeException {
  private final transient ContainerExit exit;

  public ContainerExitedException(String containerId, ContainerExit exit) {
    super("container " + containerId + " exited with " + exit.exitCode()
        + (exit.error().isEmpty() ? "" : ": " + exit.error()));
    this.exit = exit;
  }

  public ContainerExit exit() {
    return exit;
  }
}
