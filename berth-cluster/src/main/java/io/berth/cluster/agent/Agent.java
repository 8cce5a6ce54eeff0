package io.berth.cluster.agent;

import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.UnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's agent: runs the tasks assigned to this node and writes their status, as swarmkit's
 * agent does. Level-triggered: {@link #assigned} hands it the node's whole assignment set each
 * time; one loop thread compares every task's desired state, status and container and takes the
 * one step that moves it forward ({@link TaskRun#next}). Steps that block (pull and create,
 * start, stop, remove) run on a small pool of workers, one step at a time per task, so a slow
 * pull holds up only its own task; their results come back to the loop as messages, and only the
 * loop touches the runs. Every status written is reported, in order, and never moves backwards
 * (the {@link TaskState} table checks every move); the statuses of one pass are sent together
 * ({@link StatusOutbox}): a pass takes one step of every task it can move, sends, and goes round
 * again, so fifty tasks moving from accepted to preparing cost one report, not fifty.
 *
 * <p>At start the agent lists the task containers the engine has (by label): one still running
 * is adopted, never started again (live restore), and reported running unless the managers
 * already show that container running. Containers of tasks no
 * longer assigned are removed, but only once the first assignment set has arrived, so a restart
 * with no session yet does not wipe what runs. {@link #close} stops the agent, not the containers.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  /**
   * {@code workers}: steps run at once; {@code maxAttempts}: tries of a step that fails with a
   * temporary error before the task fails; {@code retryDelay}: the wait between tries;
   * {@code tick}: how often the loop looks again without a message (retries, unsent reports).
   * The default runs many steps at once, as swarmkit runs each task's on its own: steps mostly
   * wait (a stop sits out the task's grace period, a pull on its registry), and with four a node
   * of 17 tasks took 50 s to remove them, each stop waiting out `sleep`'s 10 s grace in turn.
   * {@code leaveRotation}: how long a task on a network waits between its desired shutdown and
   * its container's stop, for the connections some node's rules gave it just before they dropped
   * it to finish. The leader tells a node of the desired shutdown only once every node has
   * acknowledged rules without the task (the dispatcher's RotationGate), so this is a short
   * settle, not Docker's blind 2 s "gossip converge delay".
   */
  public record Settings(int workers, int maxAttempts, Duration retryDelay, Duration tick, Duration leaveRotation) {
    public static final Settings DEFAULT = new Settings(32, 3, Duration.ofSeconds(2), Duration.ofSeconds(1),
        Duration.ofMillis(500));

    public Settings {
      if (workers < 1 || maxAttempts < 1 || retryDelay.isNegative() || tick.isNegative() || tick.isZero()
          || leaveRotation.isNegative()) {
        throw new io.berth.errdefs.InvalidArgumentException("invalid agent settings " + workers + " workers, "
            + maxAttempts + " attempts, retry delay " + retryDelay + ", tick " + tick + ", leave rotation "
            + leaveRotation);
      }
    }
  }

  private final TaskExecutor executor;
  private final StatusReporter reporter;
  private final Clock clock;
  private final Settings settings;
  private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
  private final Map<String, TaskRun> runs = new HashMap<>();
  private final ExecutorService workers;
  private final TaskSteps steps;
  private final StatusOutbox outbox;
  /** Waiters for the end of the loop's next pass (see {@link #awaitIdle}). */
  private final List<java.util.concurrent.CompletableFuture<Boolean>> passWaiters = new ArrayList<>();
  private volatile boolean closed;
  private boolean assignmentsKnown;
  private Thread loop;

  public Agent(TaskExecutor executor, StatusReporter reporter, Clock clock, Settings settings) {
    this.executor = executor;
    this.reporter = reporter;
    this.clock = clock;
    this.settings = settings;
    this.workers = Executors.newFixedThreadPool(settings.workers(), Thread.ofVirtual().name("task-worker-", 0).factory());
    this.steps = new TaskSteps(executor);
    this.outbox = new StatusOutbox(reporter);
  }

  /** Lists this node's task containers (adopting those that run) and starts the loop. */
  public synchronized void start() {
    if (loop != null) {
      throw new io.berth.errdefs.ConflictException("the agent is already started");
    }
    List<TaskContainer> found = executor.containers();
    for (TaskContainer c : found) {
      TaskRun run = runs.computeIfAbsent(c.taskId(), TaskRun::new);
      run.container = c;
      run.adopted = c.state() == TaskContainer.State.RUNNING;
    }
    LOG.info("agent started with {} task containers on this node", found.size());
    loop = Thread.ofPlatform().name("agent-loop").daemon().start(this::run);
  }

  /** The node's whole assignment set, replacing the last one (tasks missing from it are removed here). */
  public void assigned(List<Task> tasks) {
    // an attachment task is a plain container's address: the engine, not the agent, runs that container
    List<Task> copy = tasks.stream().filter(t -> !t.isAttachment()).toList();
    inbox.add(() -> onAssigned(copy));
  }

  /** Reads the log of one of this node's tasks (for {@code docker service logs}). */
  public void logs(String taskId, TaskLogQuery query, Predicate<TaskLogEntry> sink) throws InterruptedException {
    executor.logs(taskId, query, sink);
  }

  /** Stops the loop and the workers; the task containers keep running. */
  @Override
  public void close() {
    closed = true;
    workers.shutdownNow();
    Thread l;
    synchronized (this) {
      l = loop;
    }
    if (l != null) {
      l.interrupt();
      try {
        l.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    long tickNanos = settings.tick().toNanos();
    while (!closed) {
      try {
        Runnable message = inbox.poll(tickNanos, TimeUnit.NANOSECONDS);
        while (message != null) {
          message.run();
          message = inbox.poll();
        }
        reconcile();
        endPass();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (closed) {
          return; // closing: the workers refuse new steps (RejectedExecutionException), nothing is wrong
        }
        LOG.error("agent loop: {}", e.toString(), e); // one bad task must not stop the node's agent
      }
    }
  }

  /**
   * Waits (a bounded number of loop passes) until no step is in flight and no message waits:
   * what tests need to check that something did NOT happen. False if the agent stayed busy.
   */
  boolean awaitIdle() throws InterruptedException {
    for (int pass = 0; pass < 1000; pass++) {
      java.util.concurrent.CompletableFuture<Boolean> idle = new java.util.concurrent.CompletableFuture<>();
      inbox.add(() -> passWaiters.add(idle));
      try {
        if (idle.get(10, TimeUnit.SECONDS)) {
          return true;
        }
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        return false;
      }
      Thread.sleep(5);
    }
    return false;
  }

  private void endPass() {
    if (passWaiters.isEmpty()) {
      return;
    }
    boolean idle = inbox.isEmpty() && runs.values().stream().noneMatch(r -> r.busy || r.unreported);
    passWaiters.forEach(w -> w.complete(idle));
    passWaiters.clear();
  }

  private void onAssigned(List<Task> tasks) {
    assignmentsKnown = true;
    runs.values().forEach(r -> r.assigned = false);
    for (Task t : tasks) {
      runs.computeIfAbsent(t.id(), TaskRun::new).assign(t);
    }
    for (TaskRun run : runs.values()) {
      if (run.inFlight != null && (!run.assigned || run.task.desiredState().compareTo(TaskState.SHUTDOWN) >= 0)) {
        // a pull or a wait for health of a task on its way out: no point finishing it; the step
        // ends here, and what it still returns (a container it made) is only taken note of
        run.inFlight.cancel(true);
        run.finish(run.stepToken);
      }
    }
  }

  /**
   * A few rounds of one step per task (those that only report, accept then prepare's own report,
   * run here), the round's statuses sent together after each round.
   */
  private void reconcile() {
    List<TaskRun> moving = new ArrayList<>(runs.values());
    for (TaskRun run : moving) {
      if (run.unreported && !outbox.holds(run)) {
        outbox.add(run);
      }
    }
    for (int round = 0; round < 4 && !moving.isEmpty(); round++) {
      List<TaskRun> more = new ArrayList<>();
      for (TaskRun run : moving) {
        if (!run.busy && !clock.instant().isBefore(run.retryAt) && step(run)) {
          more.add(run);
        }
      }
      outbox.flush();
      moving = more;
    }
  }

  /** Takes the run's next step; false when there is nothing more to do now. */
  private boolean step(TaskRun run) {
    TaskRun.Step next = run.next(assignmentsKnown);
    switch (next) {
      case WAIT -> {
        return false;
      }
      case FORGET -> {
        runs.remove(run.taskId);
        return false;
      }
      case ACCEPT -> write(run, TaskState.ACCEPTED, "accepted", null);
      case PREPARE -> {
        if (run.status.state().compareTo(TaskState.PREPARING) < 0) {
          write(run, TaskState.PREPARING, "preparing", null);
        }
        Task task = run.task;
        submit(run, () -> steps.prepare(task), c -> {
          run.container = c;
          write(run, TaskState.READY, "prepared", null);
        }, TaskState.REJECTED);
        run.cancellable();
      }
      case START -> {
        if (run.status.state().compareTo(TaskState.STARTING) < 0) {
          write(run, TaskState.STARTING, "starting", null);
        }
        String id = run.container.containerId();
        submit(run, () -> executor.start(id), c -> run.container = c, TaskState.FAILED);
        run.cancellable();
      }
      case WATCH -> {
        watch(run);
        if (run.container == null) {
          return true; // gone before it could be watched: the next step says what that means
        }
        boolean known = run.status.state() == TaskState.RUNNING && run.status.containerStatus() != null
            && run.container.containerId().equals(run.status.containerStatus().containerId());
        if (run.status.state().compareTo(TaskState.RUNNING) < 0 || (run.adopted && !known)) {
          write(run, TaskState.RUNNING, "started", null);
        }
        run.adopted = false; // the managers already show this container running since it started
      }
      case FINISH -> {
        int code = run.container.exitCode();
        if (code == 0) {
          write(run, TaskState.COMPLETE, "finished", null);
        } else {
          write(run, TaskState.FAILED, run.status.message(), "task: non-zero exit (" + code + ")"
              + (run.exitCause.isEmpty() ? "" : ": " + run.exitCause));
        }
      }
      case LOST -> write(run, TaskState.FAILED, run.status.message(),
          "task: the task's container is gone from this node");
      case SHUTDOWN -> {
        if (run.container == null || run.container.state() == TaskContainer.State.EXITED) {
          write(run, TaskState.SHUTDOWN, "shutdown", null);
        } else {
          TaskContainer c = run.container;
          Duration leave = run.task.networksAttachments().isEmpty() ? Duration.ZERO : settings.leaveRotation();
          submit(run, () -> {
            Thread.sleep(leave); // out of every node's rotation before it stops answering
            return steps.stop(c, run.grace());
          }, stopped -> {
            run.container = stopped;
            write(run, TaskState.SHUTDOWN, "shutdown", null);
          }, TaskState.SHUTDOWN);
        }
      }
      case REMOVE -> {
        TaskContainer c = run.container;
        submit(run, () -> steps.remove(c, run.grace()), removed -> run.container = null, null);
      }
    }
    return !run.busy;
  }

  /** A blocking step on a worker: {@code done} on the loop with its result; {@code fatal}: the state a failure ends in. */
  private <T> void submit(TaskRun run, java.util.concurrent.Callable<T> work, java.util.function.Consumer<T> done,
      TaskState fatal) {
    Object token = new Object();
    run.busy = true;
    run.stepToken = token;
    run.step = workers.submit(() -> {
      try {
        T result = work.call();
        inbox.add(() -> {
          if (run.finish(token)) {
            run.attempts = 0;
            done.accept(result);
          } else if (result instanceof TaskContainer made && run.container == null) {
            run.container = made; // made by a cancelled step: removed with the task
            runs.putIfAbsent(run.taskId, run);
          }
        });
      } catch (Exception e) {
        inbox.add(() -> {
          if (run.finish(token)) {
            failed(run, e, fatal);
          }
        });
      }
    });
  }

  /** A step failed: again later if retrying can help and tries are left, else the task ends in {@code fatal}. */
  private void failed(TaskRun run, Exception e, TaskState fatal) {
    if (e instanceof ContainerExitedException exited && run.container != null) {
      ended(run, run.container, exited.exit()); // reported as the exit it is
      return;
    }
    if (!run.assigned || run.task.desiredState().compareTo(TaskState.SHUTDOWN) >= 0) {
      run.attempts = 0; // on its way out (perhaps cancelled for it): the next step shuts it down
      return;
    }
    String why = e.getMessage() == null ? e.toString() : e.getMessage();
    boolean temporary = e instanceof UnavailableException || !(e instanceof BerthException);
    run.attempts++;
    if (temporary && run.attempts < settings.maxAttempts()) {
      LOG.warn("task {}: {} (try {} of {})", run.taskId, why, run.attempts, settings.maxAttempts());
      run.retryAt = clock.instant().plus(settings.retryDelay());
      return;
    }
    run.attempts = 0;
    if (fatal == null) { // a removal that keeps failing: given up, the task is gone anyway
      LOG.error("task {}: giving up removing container {}: {}", run.taskId,
          run.container == null ? "" : run.container.containerId(), why);
      run.container = null;
      return;
    }
    LOG.warn("task {}: {}", run.taskId, why);
    if (run.status.state().canMoveTo(fatal)) {
      write(run, fatal, fatal == TaskState.SHUTDOWN ? "shutdown" : run.status.message(), why);
    }
  }

  /** Attaches the exit watcher of the run's current container. */
  private void watch(TaskRun run) {
    if (run.watching) {
      return;
    }
    TaskContainer c = run.container;
    java.util.concurrent.CompletableFuture<ContainerExit> exit;
    try {
      exit = executor.exit(c.containerId());
    } catch (RuntimeException e) {
      LOG.warn("task {}: container {} cannot be watched: {}", run.taskId, c.containerId(), e.getMessage());
      run.container = null; // gone from the engine: the task's status says what became of it
      return;
    }
    run.watching = true;
    exit.whenComplete((ended, error) -> inbox.add(() -> {
      if (run.container == null || !run.container.containerId().equals(c.containerId())) {
        return; // an earlier container of the task
      }
      run.watching = false;
      ended(run, c, ended != null ? ended : new ContainerExit(-1, error == null ? "" : error.getMessage()));
    }));
  }

  /** Records the exit of the run's container {@code c}: the next step reports it. */
  private static void ended(TaskRun run, TaskContainer c, ContainerExit exit) {
    run.container = new TaskContainer(c.taskId(), c.containerId(), c.name(), TaskContainer.State.EXITED, 0,
        exit.exitCode());
    run.exitCause = exit.error();
  }

  /**
   * Moves the run's status and queues its report (sent at the end of the pass's round). A move the table refuses (the manager's copy moved
   * the task past it while a step ran) is dropped: a status never moves backwards.
   */
  private void write(TaskRun run, TaskState state, String message, String err) {
    if (!run.status.state().canMoveTo(state)) {
      LOG.debug("task {}: not moving its status back from {} to {}", run.taskId, run.status.state().wire(),
          state.wire());
      return;
    }
    run.status = run.status.moveTo(state, message, err, clock.instant()).withContainerStatus(run.containerStatus());
    outbox.add(run);
  }
}
