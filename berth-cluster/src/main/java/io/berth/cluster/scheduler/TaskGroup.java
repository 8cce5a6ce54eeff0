package io.berth.cluster.scheduler;

import io.berth.cluster.model.Placement;
import io.berth.cluster.model.Resources;
import io.berth.cluster.model.Endpoint;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;

/**
 * What tasks of one service with one spec and endpoint have in common, and all a filter or
 * ranker looks at: the scheduler prepares its filters once per group, not once per task.
 */
public record TaskGroup(String serviceId, TaskSpec spec, Endpoint endpoint) {
  public static TaskGroup of(Task task) {
    return new TaskGroup(task.serviceId(), task.spec(), task.endpoint());
  }

  public Resources reserved() {
    return spec.resources().reserved();
  }

  public Placement placement() {
    return spec.placement();
  }
}
