package io.berth.cluster.agent;

/**
 * A task's container as the executor finds it on this node: which task it runs (its
 * {@code com.docker.swarm.task.id} label), its id and name, whether it is created, running or
 * exited, its pid while it runs and its exit code once it exited.
 */
public record TaskContainer(String taskId, String containerId, String name, State state, int pid, int exitCode) {
  /** The three states that matter to a task (paused counts as running, dead and removing as exited). */
  public enum State { CREATED, RUNNING, EXITED }

  public TaskContainer {
    if (taskId == null || taskId.isEmpty() || containerId == null || containerId.isEmpty()) {
      throw new io.berth.errdefs.InvalidArgumentException("a task container needs a task id and a container id");
    }
  }
}
