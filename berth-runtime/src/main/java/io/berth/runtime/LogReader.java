package io.berth.runtime;

import java.nio.file.Path;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Reads a container's log file as written by conmon (k8s-file: {@code <RFC3339Nano> <stream>
 * <P|F> <text>}), for {@code logs} and for attached clients (which follow the log rather than
 * the attach socket, so output is never lost between create and attach).
 */
public interface LogReader {
  /**
   * Streams entries of {@code logPath} to {@code sink}: the last {@code tail} lines (negative: all),
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
      Predicate<LogEntry> sink)
      throws InterruptedException;
}
