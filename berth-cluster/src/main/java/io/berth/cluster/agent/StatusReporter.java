package io.berth.cluster.agent;

import io.berth.cluster.model.TaskStatus;
import java.util.Map;

/**
 * Where the agent sends the statuses it writes, by task id: the node's dispatcher session in
 * berthd (glued with a lambda, so the agent does not depend on the dispatcher). A report that
 * throws is sent again, with the task's latest status, at the agent's next tick.
 */
@FunctionalInterface
public interface StatusReporter {
  void report(Map<String, TaskStatus> updates);
}
