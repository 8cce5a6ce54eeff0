/**
 * Swarm tasks as this engine's containers: {@link io.berth.daemon.task.ContainerTaskExecutor}
 * implements the cluster agent's {@code TaskExecutor} over the container, stream and image
 * services, and {@link io.berth.daemon.task.TaskContainerSpec} is how a task becomes a container
 * (Docker's names, labels, command, limits and mounts for task containers).
 */
package io.berth.daemon.task;
