/**
 * The scheduler: assigns pending tasks to nodes. A pipeline of {@link
 * io.berth.cluster.scheduler.NodeFilter}s (swarmkit's order: ready, resources, constraints,
 * platform, host ports, max replicas) keeps the feasible nodes, then spread preferences ({@link
 * io.berth.cluster.scheduler.SpreadTree}) and {@link io.berth.cluster.scheduler.NodeRanker}s
 * (the service's tasks, then all tasks) order them. Tasks are placed a group at a time (same
 * service, same spec), so filters are prepared once per group and nodes come off a heap; a task
 * no node takes stays pending with Docker's "no suitable node (...)" explanation. The scheduler
 * writes only a task's node and its status up to assigned (docs/design/cluster.md).
 */
package io.berth.cluster.scheduler;
