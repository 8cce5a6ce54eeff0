package io.berth.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What became of a container's process: runc's view of it and the exit conmon recorded. This is
 * all that watching for exits (and recovering them after a daemon restart) needs.
 */
public interface RuntimeState {

  /** runc's view; {@code Status.STOPPED} also when runc no longer knows the container. */
  State state(String id);

  /** The exit code conmon recorded, once the container has exited. */
  Optional<Integer> exitCode(String id, Path stateDir);

  /**
   * Blocks until conmon records the exit of {@code id} (or the timeout passes) and returns the
   * exit code. Uses the exit directory, not polling of runc, so many waiters are cheap.
   */
  Optional<Integer> awaitExit(String id, Path stateDir, Duration timeout) throws InterruptedException;

  /**
   * Whether the kernel's OOM killer killed a process of the container during its current run
   * (from the container's memory cgroup; asked before {@code delete} removes the cgroup).
   */
  boolean oomKilled(String id);

  /** runc state. */
  record State(Status status, int pid) {}

  enum Status { CREATED, RUNNING, PAUSED, STOPPED }
}
