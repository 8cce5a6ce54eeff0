package io.berth.cluster.control;

import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import java.util.List;

/**
 * The REPLICAS column of {@code docker service ls} (Docker's ServiceStatus, asked with
 * {@code ?status=true}), counted as swarmkit does: running tasks; desired = the replicas (a
 * replicated job's MaxConcurrent), or for global services the tasks meant to run (or, for a global
 * job, meant to complete and not complete yet); completed tasks for jobs.
 */
public record ServiceStatus(long runningTasks, long desiredTasks, long completedTasks) {

  public static ServiceStatus of(Service service, List<Task> tasksOfService) {
    ServiceMode mode = service.spec().mode();
    boolean job = mode.kind() == ServiceMode.Kind.REPLICATED_JOB || mode.kind() == ServiceMode.Kind.GLOBAL_JOB;
    boolean global = mode.kind() == ServiceMode.Kind.GLOBAL || mode.kind() == ServiceMode.Kind.GLOBAL_JOB;
    long desired = switch (mode.kind()) {
      case REPLICATED -> mode.replicated().replicas();
      case REPLICATED_JOB -> mode.replicatedJob().maxConcurrent();
      case GLOBAL, GLOBAL_JOB -> 0;
    };
    long running = 0;
    long completed = 0;
    for (Task t : tasksOfService) {
      TaskState state = t.status().state();
      if (job && state == TaskState.COMPLETE) {
        completed++;
      }
      if (state == TaskState.RUNNING) {
        running++;
      }
      if (global && t.desiredState() == TaskState.RUNNING) {
        desired++;
      }
      if (global && state != TaskState.COMPLETE && t.desiredState() == TaskState.COMPLETE) {
        desired++;
      }
    }
    return new ServiceStatus(running, desired, completed);
  }
}
