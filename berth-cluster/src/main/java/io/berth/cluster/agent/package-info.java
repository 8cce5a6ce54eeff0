/**
 * The node's agent: it runs the tasks the managers assign to this node and reports their status.
 * {@link io.berth.cluster.agent.Agent} is level-triggered: it is handed the node's whole
 * assignment set each time, compares it with the task containers it finds (by label, so a
 * restarted engine adopts what still runs) and moves each task one step forward through a
 * {@link io.berth.cluster.agent.TaskExecutor}, which the engine implements over its container
 * service. Its one output is a {@link io.berth.cluster.agent.StatusReporter}; it knows nothing of
 * the dispatcher (docs/design/cluster.md, "Agent").
 */
package io.berth.cluster.agent;
