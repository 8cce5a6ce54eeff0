package io.berth.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * Talking to processes in a running container: exec (and health checks, which are execs) and
 * attaching to the main process's stdin and terminal.
 */
public interface RuntimeIO {

  /** Runs a process in a running container (see {@link ExecSession}). */
  ExecSession exec(String id, ExecSpec spec, Path stateDir);

  /** Connects to the container's attach socket to feed stdin / resize its terminal. */
  AttachChannel attach(String id, Path stateDir);

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
