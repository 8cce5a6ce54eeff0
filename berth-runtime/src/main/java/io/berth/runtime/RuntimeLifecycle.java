package io.berth.runtime;

import java.nio.file.Path;

/**
 * Bringing a container's process into being and taking it away: {@link #create} writes the bundle
 * and has conmon run {@code runc create}; {@link #start} runs {@code runc start}; the process exits
 * on its own or by {@link #kill}; {@link #delete} removes the runc state and the bundle's runtime
 * files (never the log, which the daemon removes with the container).
 */
public interface RuntimeLifecycle {

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

  /** Pauses/unpauses via the freezer. */
  void pause(String id);

  void resume(String id);

  /** {@code runc delete [--force]} and removal of runtime files in {@code stateDir}. */
  void delete(String id, Path stateDir, boolean force);
}
