package io.berth.cluster.agent;

import io.berth.cluster.model.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * What a node needs to run tasks, implemented by the engine over its container service (berthd's
 * {@code io.berth.daemon.task}), so the cluster never reaches the engine through its HTTP API.
 * Calls block and may be slow (a pull); the agent makes them on its workers, one at a time per
 * task. Failures are errdefs exceptions: {@code NotFoundException} ("No such image: ...") and the
 * other kinds that retrying cannot cure end the task; {@code UnavailableException} and unchecked
 * I/O failures are retried a bounded number of times.
 */
public interface TaskExecutor {
  /**
   * Every task container on this node, found by its task label, running or not. Called when the
   * agent starts, so a restarted engine adopts what kept running (live restore) instead of
   * starting it again.
   */
  List<TaskContainer> containers();

  /**
   * Pulls the task's image with the registry credentials the task carries, if any. A failure is
   * logged by the agent and the create that follows decides (the image may be here already), as
   * Docker does; an image named by id, or by digest and present, is not pulled.
   */
  void pull(Task task);

  /**
   * Creates the task's container (named, labelled and configured from the task), not started;
   * {@code NotFoundException} "No such image: ..." when the image is not here.
   */
  TaskContainer create(Task task);

  /**
   * Starts a created container; the container as it runs (its pid). A container with a health
   * check counts as started only once healthy: until then this waits (the task shows starting),
   * and an unhealthy one is stopped and reported with {@link ContainerExitedException}.
   */
  TaskContainer start(String containerId);

  /**
   * Completes when the container is not running: at once for one that is created or exited,
   * else at its exit. The engine's own restart policy is never set on task containers, so an
   * exit is final (the orchestrator makes a new task). A running container whose health check
   * turns unhealthy is stopped by the executor, and its exit says so ("unhealthy container").
   */
  CompletableFuture<ContainerExit> exit(String containerId);

  /** Stops the container: its stop signal, then a kill after {@code grace} (null: the container's own timeout). */
  void stop(String containerId, Duration grace);

  /** Removes the container (stopped first if it still runs) with its anonymous volumes. */
  void remove(String containerId);

  /**
   * Reads the log of the task's container into {@code sink} (false from it stops the read);
   * {@code NotFoundException} when the task has no container here.
   */
  void logs(String taskId, TaskLogQuery query, Predicate<TaskLogEntry> sink) throws InterruptedException;
}
