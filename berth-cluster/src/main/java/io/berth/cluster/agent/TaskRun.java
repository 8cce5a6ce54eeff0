package io.berth.cluster.agent;

import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * What the agent knows of one task on this node: the task as last assigned, the status the agent
 * last wrote, the task's container if it has one, and the bookkeeping of the step in flight.
 * Only the agent's loop thread touches it. {@link #next} is the level-triggered decision: from
 * the desired state, the status and the container alone, the one step that moves the task on.
 */
final class TaskRun {
  /** What the loop does next for a task. */
  enum Step {
    /** nothing now: a finished task, or a container found before the first assignment set */
    WAIT,
    /** no task and no container left: drop the run */
    FORGET,
    /** report accepted */
    ACCEPT,
    /** pull and create the container (a worker) */
    PREPARE,
    /** start the created container (a worker) */
    START,
    /** the container runs: watch for its exit, report running */
    WATCH,
    /** the container exited on its own: report complete or failed */
    FINISH,
    /** the status says running but the container is gone: report failed */
    LOST,
    /** desired shutdown or later: stop the container (a worker), report shutdown */
    SHUTDOWN,
    /** desired remove, or no longer assigned: remove the container (a worker) */
    REMOVE
  }

  final String taskId;
  Task task;
  TaskStatus status;
  TaskContainer container;
  /** In the current assignment set. */
  boolean assigned;
  /** A worker runs a step of this task. */
  boolean busy;
  /** The step a worker runs, while one does, and the token its result must bring back. */
  java.util.concurrent.Future<?> step;
  Object stepToken;
  /** The step in flight when it may be cancelled (a pull, a wait for health), else null. */
  java.util.concurrent.Future<?> inFlight;
  /** An exit watcher is attached to the current container. */
  boolean watching;
  /**
   * Found running when the agent started: never started again, and reported running unless the
   * managers' copy already shows this very container running (so its "running since" stays).
   */
  boolean adopted;
  /** The last status could not be reported: sent again at the next tick. */
  boolean unreported;
  /** Why the container exited, as the engine says ("unhealthy container"), empty when it just ended. */
  String exitCause = "";
  /** Failures of the step being retried; reset when a step succeeds. */
  int attempts;
  Instant retryAt = Instant.MIN;

  TaskRun(String taskId) {
    this.taskId = taskId;
  }

  /** The step just submitted may be cancelled if the task goes (a pull or a start's wait for health). */
  void cancellable() {
    inFlight = step;
  }

  /** Ends the step {@code token} names; false when that step already ended (it was cancelled). */
  boolean finish(Object token) {
    if (token == null || token != stepToken) {
      return false;
    }
    busy = false;
    step = null;
    stepToken = null;
    inFlight = null;
    return true;
  }

  /** Takes the task from a new assignment set; a status written elsewhere that is ahead of ours wins. */
  void assign(Task t) {
    task = t;
    assigned = true;
    if (status == null || status.state().compareTo(t.status().state()) < 0) {
      status = t.status();
    }
  }

  Step next(boolean assignmentsKnown) {
    if (!assigned) {
      if (!assignmentsKnown) {
        return Step.WAIT; // a restart with no session yet must not wipe running tasks
      }
      return container == null ? Step.FORGET : Step.REMOVE;
    }
    TaskState s = status.state();
    if (task.desiredState().compareTo(TaskState.SHUTDOWN) >= 0) {
      if (s.compareTo(TaskState.COMPLETE) < 0) {
        return Step.SHUTDOWN;
      }
      return task.desiredState() == TaskState.REMOVE && container != null ? Step.REMOVE : Step.WAIT;
    }
    if (s.compareTo(TaskState.RUNNING) > 0) {
      return Step.WAIT; // finished: its container stays until the task is removed, as in Docker
    }
    if (container != null) {
      return switch (container.state()) {
        case CREATED -> Step.START;
        case RUNNING -> watching && !adopted && s == TaskState.RUNNING ? Step.WAIT : Step.WATCH;
        case EXITED -> Step.FINISH;
      };
    }
    if (s == TaskState.RUNNING) {
      return Step.LOST;
    }
    return s.compareTo(TaskState.ASSIGNED) <= 0 ? Step.ACCEPT : Step.PREPARE;
  }

  /** The stop grace period of the task's spec, or null for the container's own. */
  Duration grace() {
    Long nanos = task == null ? null : task.spec().containerSpec().stopGracePeriod();
    return nanos == null ? null : Duration.ofNanos(nanos);
  }

  /** The container status Docker shows for the task's container. */
  TaskStatus.ContainerStatus containerStatus() {
    if (container == null) {
      return status == null ? null : status.containerStatus();
    }
    return new TaskStatus.ContainerStatus(container.containerId(),
        container.state() == TaskContainer.State.RUNNING ? container.pid() : 0, container.exitCode());
  }
}
