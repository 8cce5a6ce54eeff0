package io.berth.daemon.swarm;

import io.berth.cluster.agent.TaskExecutor;
import io.berth.cluster.agent.TaskLogEntry;
import io.berth.cluster.agent.TaskLogQuery;
import io.berth.cluster.model.Task;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.NotFoundException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * {@code docker service logs} for the tasks this manager's own engine ran, read through the task
 * executor. Logs of tasks on other nodes need the nodes to stream them to the managers, which
 * Berth does not do yet: such a request is refused naming the task and its node, rather than
 * answered with part of the logs. A task that never got a container here has no lines.
 */
public final class LocalServiceLogs implements ServiceLogs {
  private final SwarmMembership membership;
  private final Function<String, TaskExecutor> executors;

  /** {@code executors}: the engine's task executor for this node's id (as the node's agent gets it). */
  public LocalServiceLogs(SwarmMembership membership, Function<String, TaskExecutor> executors) {
    this.membership = membership;
    this.executors = executors;
  }

  @Override
  public void stream(Request request, Sink sink) throws InterruptedException {
    ClusterState state = membership.requireManager();
    String self = membership.info().nodeId();
    List<Task> tasks = new ArrayList<>(request.taskId() != null
        ? List.of(state.task(request.taskId()).orElseThrow(() -> new NotFoundException("task " + request.taskId()
            + " not found")))
        : state.tasksOfService(request.serviceId()));
    tasks.removeIf(t -> t.nodeId().isEmpty());
    tasks.sort(Comparator.comparingLong(Task::slot).thenComparing(Task::createdAt,
        Comparator.nullsFirst(Comparator.naturalOrder())));
    for (Task t : tasks) {
      if (!t.nodeId().equals(self)) {
        throw new SwarmUnavailableException("service logs: task " + t.id() + " ran on node " + t.nodeId()
            + ", and Berth does not collect logs from other nodes yet; read them there (docker logs on that node)");
      }
    }
    TaskExecutor executor = executors.apply(self);
    TaskLogQuery query = new TaskLogQuery(request.tail(), request.since(), request.until(), request.follow());
    Object lock = new Object();
    AtomicBoolean open = new AtomicBoolean(true);
    if (!request.follow()) {
      for (Task t : tasks) {
        read(executor, t, query, sink, lock, open, false);
      }
      sink.caughtUp();
      return;
    }
    // following: every task's log at once, each line sent as it comes
    try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> running = new ArrayList<>();
      for (Task t : tasks) {
        running.add(readers.submit(() -> {
          read(executor, t, query, sink, lock, open, true);
          return null;
        }));
      }
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          open.set(false);
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      }
    }
  }

  private static void read(TaskExecutor executor, Task t, TaskLogQuery query, Sink sink, Object lock,
      AtomicBoolean open, boolean flushEach) throws InterruptedException {
    try {
      executor.logs(t.id(), query, e -> {
        synchronized (lock) {
          if (!open.get()) {
            return false;
          }
          boolean more = sink.accept(new Line(t.nodeId(), t.id(), e.stream() == TaskLogEntry.Stream.STDERR,
              e.time(), e.data()));
          if (flushEach) {
            sink.caughtUp();
          }
          open.compareAndSet(true, more);
          return more;
        }
      });
    } catch (NotFoundException noContainer) {
      // the task never got a container on this engine (still pending, or rejected): no lines
    }
  }
}
