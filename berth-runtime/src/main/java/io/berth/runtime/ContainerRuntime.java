package io.berth.runtime;

/**
 * Runs containers through an OCI runtime (runc) with one monitor (conmon) per container, so
 * containers outlive the daemon. The daemon holds no child processes: everything it needs after
 * a restart (pid, exit code, logs, attach socket) is on disk under the container's state dir.
 *
 * <p>Callers depend on the narrowest role they use (decision 0021): {@link RuntimeLifecycle}
 * (create, start, kill, pause, delete), {@link RuntimeState} (runc's view and recorded exits),
 * {@link RuntimeResources} (update, top, stats) and {@link RuntimeIO} (exec, attach). This is
 * all of them, for the wiring.
 */
public interface ContainerRuntime extends RuntimeLifecycle, RuntimeState, RuntimeResources, RuntimeIO {}
