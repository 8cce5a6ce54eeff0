package io.berth.cluster.dispatcher;

import io.berth.cluster.agent.TaskLogEntry;
import io.berth.cluster.agent.TaskLogQuery;
import java.util.function.Predicate;

/**
 * Where a node reads its tasks' logs for the log subscriptions its session carries: the agent's
 * {@code logs} (over the engine's container logs). Blocks; false from {@code sink} stops the read,
 * and so does an interrupt.
 */
@FunctionalInterface
public interface TaskLogSource {
  /** A node that serves no logs: every read finds nothing. */
  TaskLogSource NONE = (taskId, query, sink) -> {};

  void read(String taskId, TaskLogQuery query, Predicate<TaskLogEntry> sink) throws InterruptedException;
}
