package io.berth.cluster.agent;

import io.berth.cluster.model.Task;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An engine in memory for the agent's tests: containers with a state and an exit future, images
 * that are "here", and switches for the failures and the slow pull the tests need. Every call is
 * recorded in order.
 */
final class FakeExecutor implements TaskExecutor {
  /** One container of the fake engine. */
  static final class Box {
    final String taskId;
    final String id;
    volatile TaskContainer.State state = TaskContainer.State.CREATED;
    volatile int pid;
    volatile int exitCode;
    volatile CompletableFuture<ContainerExit> exit = new CompletableFuture<>();

    Box(String taskId, String id) {
      this.taskId = taskId;
      this.id = id;
    }

    TaskContainer view() {
      return new TaskContainer(taskId, id, "name-" + taskId, state, pid, exitCode);
    }
  }

  final Map<String, Box> containers = new ConcurrentHashMap<>();
  final Set<String> images = ConcurrentHashMap.newKeySet();
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final Map<String, CountDownLatch> pullGates = new ConcurrentHashMap<>();
  /** Starts that wait (as for a health verdict) until their gate opens or they are interrupted. */
  final Map<String, CountDownLatch> startGates = new ConcurrentHashMap<>();
  final AtomicInteger createFailures = new AtomicInteger();
  /** Containers the engine lost track of: asking for their exit fails. */
  final Set<String> vanished = ConcurrentHashMap.newKeySet();
  /** Containers whose health check finds them unhealthy as they start (the engine stops them). */
  final Set<String> unhealthy = ConcurrentHashMap.newKeySet();
  private final AtomicInteger pids = new AtomicInteger(100);

  /** A container found at start: {@code running} or exited with {@code exitCode}. */
  Box existing(String taskId, boolean running, int exitCode) {
    Box b = new Box(taskId, "c-" + taskId);
    b.state = running ? TaskContainer.State.RUNNING : TaskContainer.State.EXITED;
    b.pid = running ? pids.incrementAndGet() : 0;
    b.exitCode = exitCode;
    if (!running) {
      b.exit.complete(new ContainerExit(exitCode, ""));
    }
    containers.put(b.id, b);
    return b;
  }

  /** The task's container exits on its own with {@code code}. */
  void exit(String taskId, int code) {
    exit(taskId, code, "");
  }

  /** The same, with the engine's reason (an unhealthy container it stopped). */
  void exit(String taskId, int code, String cause) {
    Box b = containers.get("c-" + taskId);
    b.state = TaskContainer.State.EXITED;
    b.pid = 0;
    b.exitCode = code;
    b.exit.complete(new ContainerExit(code, cause));
  }

  long count(String call) {
    return calls.stream().filter(c -> c.equals(call)).count();
  }

  @Override
  public List<TaskContainer> containers() {
    calls.add("list");
    return containers.values().stream().map(Box::view).toList();
  }

  @Override
  public void pull(Task task) {
    calls.add("pull " + task.id());
    CountDownLatch gate = pullGates.get(task.id());
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        calls.add("pull interrupted " + task.id());
        throw new UnavailableException("pull of " + task.id() + " interrupted");
      }
    }
    if (!images.contains(task.spec().containerSpec().image())) {
      throw new UnavailableException("pull access denied for " + task.spec().containerSpec().image());
    }
  }

  @Override
  public TaskContainer create(Task task) {
    calls.add("create " + task.id());
    if (createFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new UnavailableException("the disk is busy");
    }
    String image = task.spec().containerSpec().image();
    if (!images.contains(image)) {
      throw new NotFoundException("No such image: " + image);
    }
    Box b = new Box(task.id(), "c-" + task.id());
    containers.put(b.id, b);
    return b.view();
  }

  @Override
  public TaskContainer start(String containerId) {
    calls.add("start " + containerId);
    Box b = containers.get(containerId);
    CountDownLatch gate = startGates.get(containerId);
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        calls.add("start interrupted " + containerId);
        throw new UnavailableException("interrupted while " + containerId + " became healthy");
      }
    }
    b.state = TaskContainer.State.RUNNING;
    b.pid = pids.incrementAndGet();
    b.exit = new CompletableFuture<>();
    if (unhealthy.contains(containerId)) {
      exit(b.taskId, 143, "unhealthy container");
      throw new ContainerExitedException(containerId, new ContainerExit(143, "unhealthy container"));
    }
    return b.view();
  }

  @Override
  public CompletableFuture<ContainerExit> exit(String containerId) {
    if (vanished.contains(containerId)) {
      throw new NotFoundException("No such container: " + containerId);
    }
    Box b = containers.get(containerId);
    return b.state == TaskContainer.State.RUNNING ? b.exit
        : CompletableFuture.completedFuture(new ContainerExit(b.exitCode, ""));
  }

  @Override
  public void stop(String containerId, Duration grace) {
    calls.add("stop " + containerId + (grace == null ? "" : " " + grace.toSeconds() + "s"));
    Box b = containers.get(containerId);
    if (b.state == TaskContainer.State.RUNNING) {
      b.state = TaskContainer.State.EXITED;
      b.pid = 0;
      b.exitCode = 143;
      b.exit.complete(new ContainerExit(143, ""));
    }
  }

  @Override
  public void remove(String containerId) {
    calls.add("remove " + containerId);
    containers.remove(containerId);
  }

  @Override
  public void logs(String taskId, TaskLogQuery query, Predicate<TaskLogEntry> sink) {
    if (!containers.containsKey("c-" + taskId)) {
      throw new NotFoundException("task " + taskId + " has no container on this node");
    }
    sink.test(new TaskLogEntry(taskId, TaskLogEntry.Stream.STDOUT, java.time.Instant.EPOCH, "hi\n".getBytes()));
  }
}
