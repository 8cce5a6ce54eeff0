/**
 * The manager's control loops: orchestrators (replicated, global, jobs, removed services), the
 * task reaper and the scheduling loop. Each is level-triggered: one pass reads a {@link
 * io.berth.cluster.state.Snapshot}, compares what the services ask for with the tasks that exist,
 * and writes the difference as one {@link io.berth.cluster.orchestrator.Plan}, applied as one
 * store batch. Nothing is remembered between passes, so a new leader picks up where the old one
 * stopped; a write that lost a race with another writer fails whole and the next pass reads
 * again. {@link io.berth.cluster.orchestrator.ManagerLoops} runs the passes on threads.
 */
package io.berth.cluster.orchestrator;
