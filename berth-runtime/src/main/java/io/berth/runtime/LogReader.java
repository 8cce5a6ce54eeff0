package io.berth.runtime;

import java.nio.file.Path;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Reads a container's log as written by conmon (k8s-file: {@code <RFC3339Nano> <stream>
 * <P|F> <text>}), with its rotated files, for {@code logs} and for attached clients (which
 * follow the log rather than the attach socket, so output is never lost between create and
 * attach).
 */
public interface LogReader {
  /**
   * Streams entries of the log whose live file is {@code logPath} to {@code sink}: the last {@code tail} lines (negative: all),
   * only those at or after {@code since} / before {@code until} (null: unbounded), and with
   * {@code follow}, keeps reading new entries until {@code stillRunning} turns false and the file
   * is drained, or {@code sink} returns false (the client went away).
   */
  void read(
      Path logPath,
      int tail,
      Instant since,
      Instant until,
      boolean follow,
      BooleanSupplier stillRunning,
      Sink sink)
      throws InterruptedException;

  /** Where entries go; false stops reading (the client went away). */
  @FunctionalInterface
  interface Sink {
    boolean accept(LogEntry e);

    /**
     * The reader has passed on everything written so far and is about to wait for more (or
     * return): the moment to flush what was buffered, so output is batched but never held back.
     */
    default void caughtUp() {}
  }
}
