package io.berth.runtime;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * {@link LogReader} for conmon's k8s-file format ({@code <time> <stream> <P|F> <text>}). Follow
 * mode reads complete lines as they are appended, and once the container stopped it drains what
 * is left before returning, so the last line is never lost.
 */
public final class K8sFileLogReader implements LogReader {
  private static final long POLL_MS = 4;

  @Override
  public void read(Path logPath, int tail, Instant since, Instant until, boolean follow,
      BooleanSupplier stillRunning, Predicate<LogEntry> sink) throws InterruptedException {
    try (RandomAccessFile f = new RandomAccessFile(logPath.toFile(), "r")) {
      long pos = tail >= 0 ? tailOffset(logPath, tail) : 0;
      StringBuilder partial = new StringBuilder();
      byte[] buf = new byte[64 * 1024];
      boolean running = true;
      while (true) {
        f.seek(pos);
        int n = f.read(buf);
        if (n > 0) {
          pos += n;
          int start = 0;
          for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
              partial.append(new String(buf, start, i - start, StandardCharsets.UTF_8));
              LogEntry e = parse(partial.toString());
              partial.setLength(0);
              start = i + 1;
              if (e == null || (since != null && e.time().isBefore(since))) {
                continue;
              }
              if (until != null && e.time().isAfter(until)) {
                return;
              }
              if (!sink.test(e)) {
                return;
              }
            }
          }
          partial.append(new String(buf, start, n - start, StandardCharsets.UTF_8));
          continue;
        }
        if (!follow || !running) {
          return;
        }
        running = stillRunning.getAsBoolean();
        if (running) {
          Thread.sleep(POLL_MS);
        }
      }
    } catch (java.io.FileNotFoundException e) {
      // no output yet
    } catch (IOException e) {
      throw new UncheckedIOException("reading log " + logPath, e);
    }
  }

  /** Byte offset where the last {@code lines} complete lines start. */
  static long tailOffset(Path p, int lines) throws IOException {
    if (lines == 0) {
      return Files.size(p);
    }
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
      long end = f.length();
      long pos = end;
      int seen = 0;
      byte[] buf = new byte[8192];
      boolean skippedTrailing = false;
      while (pos > 0) {
        int len = (int) Math.min(buf.length, pos);
        pos -= len;
        f.seek(pos);
        f.readFully(buf, 0, len);
        for (int i = len - 1; i >= 0; i--) {
          if (buf[i] == '\n') {
            if (!skippedTrailing && pos + i == end - 1) {
              skippedTrailing = true;
              continue;
            }
            if (++seen == lines) {
              return pos + i + 1;
            }
          }
        }
      }
      return 0;
    }
  }

  static LogEntry parse(String line) {
    String[] f = line.split(" ", 4);
    if (f.length < 3) {
      return null;
    }
    Instant t;
    try {
      t = OffsetDateTime.parse(f[0]).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
    LogEntry.Stream s = f[1].equals("stderr") ? LogEntry.Stream.STDERR : LogEntry.Stream.STDOUT;
    String text = f.length == 4 ? f[3] : "";
    byte[] data = f[2].equals("P") ? text.getBytes(StandardCharsets.UTF_8)
        : (text + "\n").getBytes(StandardCharsets.UTF_8);
    return new LogEntry(s, t, data);
  }

}
