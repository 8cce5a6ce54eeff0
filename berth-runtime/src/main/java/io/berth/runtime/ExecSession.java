package io.berth.runtime;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A process running in a container by {@code exec}. Without a TTY, stdout and stderr are
 * separate streams; with one, everything arrives on stdout. Closing stdin sends EOF.
 */
public interface ExecSession extends AutoCloseable {
  int pid();

  OutputStream stdin();

  InputStream stdout();

  /** Empty stream when the session has a TTY. */
  InputStream stderr();

  /** Completes with the exit code when the process ends. */
  CompletableFuture<Integer> exitCode();

  void resize(int height, int width);

  @Override
  void close();
}
