package io.berth.cluster.agent;

import io.berth.cluster.model.Task;
import io.berth.errdefs.UnavailableException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's blocking steps that take more than one executor call, run on its workers:
 * prepare (pull, then create whatever the pull said, as Docker: the image may be here already,
 * and a missing one fails the create with "No such image"), stop (and the exit code it ended
 * with) and remove.
 */
final class TaskSteps {
  private static final Logger LOG = LoggerFactory.getLogger(TaskSteps.class);
  /** How long a stopped container's exit may take to be recorded after the stop returned. */
  private static final long EXIT_RECORDED_SECONDS = 30;
  private final TaskExecutor executor;

  TaskSteps(TaskExecutor executor) {
    this.executor = executor;
  }

  TaskContainer prepare(Task task) {
    String image = task.spec().containerSpec().image();
    try {
      executor.pull(task);
    } catch (RuntimeException e) {
      LOG.warn("task {}: pulling {} failed, creating the container with what is here: {}", task.id(), image,
          e.getMessage());
    }
    return executor.create(task);
  }

  /** Stops {@code c} ({@code grace} null: its own timeout) and returns it exited, with its exit code. */
  TaskContainer stop(TaskContainer c, Duration grace) throws InterruptedException {
    executor.stop(c.containerId(), grace);
    ContainerExit exit;
    try {
      exit = executor.exit(c.containerId()).get(EXIT_RECORDED_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new UnavailableException("waiting for the exit of container " + c.containerId() + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new UnavailableException("container " + c.containerId() + " did not exit within "
          + EXIT_RECORDED_SECONDS + " s of its stop");
    }
    return new TaskContainer(c.taskId(), c.containerId(), c.name(), TaskContainer.State.EXITED, 0, exit.exitCode());
  }

  /** Removes {@code c}, stopped first with the task's grace period if it still runs. */
  Void remove(TaskContainer c, Duration grace) throws InterruptedException {
    if (c.state() == TaskContainer.State.RUNNING) {
      stop(c, grace);
    }
    executor.remove(c.containerId());
    return null;
  }
}
