package io.berth.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs containers through an OCI runtime (runc) with one monitor (conmon) per container, so
 * containers outlive the daemon. The daemon holds no child processes: everything it needs after
 * a restart (pid, exit code, logs, attach socket) is on disk under the container's state dir.
 *
 * <p>Lifecycle: {@link #create} writes the bundle and has conmon run {@code runc create};
 * {@link #start} runs {@code runc start}; the process exits on its own or by {@link #kill};
 * {@link #exitCode} then reports the code conmon recorded; {@link #delete} removes the runc
 * state and the bundle's runtime files (never the log, which the daemon removes with the
 * container).
 */
public interface ContainerRuntime {

  /**
   * Generates the OCI bundle in {@code stateDir} and starts conmon, which runs {@code runc create}.
   * Output goes to {@code logPath} in conmon's k8s-file format; when the file would pass
   * {@code logSizeMax} bytes (if positive) conmon replaces it with an empty one (see
   * {@code io.berth.runtime.log.LogRotator}).
   */
  void create(ContainerSpec spec, Path stateDir, Path logPath, long logSizeMax);

  /** {@code runc start}; returns the container's init pid on the host. */
  int start(String id);

  /** Sends a signal (name like SIGTERM or number) to the container's init process. */
  void kill(String id, String signal);

  /** runc's view; {@code Status.STOPPED} also when runc no longer knows the container. */
  State state(String id);

  /** The exit code conmon recorded, once the container has exited. */
  Optional<Integer> exitCode(String id, Path stateDir);

  /**
   * Blocks until conmon records the exit of {@code id} (or the timeout passes) and returns the
   * exit code. Uses the exit directory, not polling of runc, so many waiters are cheap.
   */
  Optional<Integer> awaitExit(String id, Path stateDir, java.time.Duration timeout)
      throws InterruptedException;

  /**
   * Whether the kernel's OOM killer killed a process of the container during its current run
   * (from the container's memory cgroup; asked before {@link #delete} removes the cgroup).
   */
  boolean oomKilled(String id);

  /** {@code runc delete [--force]} and removal of runtime files in {@code stateDir}. */
  void delete(String id, Path stateDir, boolean force);

  /** Changes the cgroup limits of a running (or paused) container ({@code runc update}); null fields stay. */
  void update(String id, Resources resources);

  /** Pauses/unpauses via the freezer. */
  void pause(String id);

  void resume(String id);

  /** Processes in the container, as {@code ps -ef} columns (UID PID PPID C STIME TTY TIME CMD). */
  List<List<String>> top(String id, List<String> psArgs);

  /** A snapshot of resource usage from the container's cgroups. */
  Stats stats(String id);

  /** Runs a process in a running container (see {@link ExecSession}). */
  ExecSession exec(String id, ExecSpec spec, Path stateDir);

  /** Connects to the container's attach socket to feed stdin / resize its terminal. */
  AttachChannel attach(String id, Path stateDir);

  /** runc state. */
  record State(Status status, int pid) {}

  enum Status { CREATED, RUNNING, PAUSED, STOPPED }

  /** Usage figures as Docker's stats endpoint reports them (cgroup v1 or v2). */
  record Stats(
      long memoryUsage,
      long memoryLimit,
      long memoryCache,
      long cpuTotalNanos,
      long systemCpuNanos,
      int onlineCpus,
      long pids,
      long pidsLimit) {}

  /**
   * A process to exec; {@code user} as uid[:gid] or name; {@code env} added to the container's;
   * {@code consoleSize} the terminal's size from the start (null: unknown, for a TTY exec).
   */
  record ExecSpec(
      List<String> args,
      List<String> env,
      String user,
      String workingDir,
      boolean tty,
      boolean attachStdin,
      boolean privileged,
      ConsoleSize consoleSize) {
    public ExecSpec(List<String> args, List<String> env, String user, String workingDir, boolean tty,
        boolean attachStdin, boolean privileged) {
      this(args, env, user, workingDir, tty, attachStdin, privileged, null);
    }

    public ExecSpec withConsoleSize(ConsoleSize size) {
      return new ExecSpec(args, env, user, workingDir, tty, attachStdin, privileged, size);
    }
  }

  /** A terminal's size in rows and columns. */
  record ConsoleSize(int height, int width) {}
}
