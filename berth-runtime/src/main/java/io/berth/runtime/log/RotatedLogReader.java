package io.berth.runtime.log;

import io.berth.runtime.LogEntry;
import io.berth.runtime.LogReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@link LogReader} over a container's log files: the rotated ones (compressed or not) oldest
 * first, then the live one, as one stream. {@code tail} counts back across files; {@code since}
 * skips whole files last written before it. In follow mode, when conmon replaces the live file
 * (max-size reached), the reader drains the old one to its end and goes on with the file
 * written after it, found by identity even if it was rotated and compressed meanwhile, so no
 * line is lost or read twice; once the container stopped it drains what is left.
 */
public final class RotatedLogReader implements LogReader {
  private static final long POLL_MS = 4;
  /** mtime is taken from a coarse clock: a file is only skipped for since when clearly older. */
  private static final Duration MTIME_SLACK = Duration.ofSeconds(1);
  private final LogLocks locks;

  public RotatedLogReader(LogLocks locks) {
    this.locks = locks;
  }

  @Override
  public void read(Path logPath, int tail, Instant since, Instant until, boolean follow,
      BooleanSupplier stillRunning, Sink sink) throws InterruptedException {
    List<LogSource> files = LogSource.snapshot(logPath, locks);
    if (files.isEmpty()) {
      return;
    }
    Instant[] lastSeen = new Instant[1];
    K8sRecords.Handler filter = e -> {
      lastSeen[0] = e.time();
      if (since != null && e.time().isBefore(since)) {
        return true;
      }
      return (until == null || !e.time().isAfter(until)) && sink.accept(e);
    };
    LogSource current = null;
    try {
      Start start = Start.later(Start.forTail(files, tail), Start.forSince(files, since));
      K8sRecords records = new K8sRecords();
      byte[] buf = new byte[64 * 1024];
      int last = files.size() - 1;
      for (int i = start.index(); i < last; i++) {
        records.reset();
        if (!copy(files.get(i), i == start.index() ? start : Start.ALL, records, buf, filter)) {
          return;
        }
      }
      records.reset();
      current = files.get(last);
      Start from = start.index() == last ? start : Start.ALL;
      InputStream in = open(current, from, records);
      // without follow, what the log held when it was opened: --tail 1 is one line, however fast it grows
      long left = follow || current.compressed() ? Long.MAX_VALUE : current.size() - from.offset();
      boolean running = true;
      while (true) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n > 0) {
          left -= n;
          if (!records.feed(buf, n, filter)) {
            return;
          }
          continue;
        }
        sink.caughtUp();
        if (!follow || (until != null && Instant.now().isAfter(until))) {
          return;
        }
        Object liveKey = LogFiles.key(logPath);
        if (liveKey != null && !liveKey.equals(current.key())) {
          // no longer the live file: complete (conmon closed it before it made the new one)
          while ((n = in.read(buf)) > 0) {
            if (!records.feed(buf, n, filter)) {
              return;
            }
          }
          LogSource next = successor(logPath, current.key(), lastSeen[0]);
          if (next != null) {
            records.reset();
            current.close();
            current = next;
            in = current.stream(0);
            continue;
          }
        }
        if (!running) {
          return;
        }
        running = stillRunning.getAsBoolean();
        if (running) {
          Thread.sleep(POLL_MS);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading log " + logPath, e);
    } finally {
      files.forEach(LogSource::close);
      if (current != null) {
        current.close();
      }
    }
  }

  /**
   * The file written after the one with identity {@code key}, which a follower finished: found
   * by identity among the log's files (also once compressed), so a follower that fell a few
   * files behind a chatty container catches up without a gap. When that file is gone (dropped
   * past max-file, or replaced by conmon before berthd could hold it) the next one is the first
   * whose first record is later than the last one read, else the live file. Null when
   * {@code key} is the live file.
   */
  private LogSource successor(Path live, Object key, Instant lastSeen) throws IOException {
    List<LogSource> files = LogSource.snapshot(live, locks);
    Map<Object, Object> origins = locks.origins(live);
    LogSource pick = null;
    try {
      // the follower still holds the file open, so its inode is not reused: an existing file with
      // that identity is it; otherwise its compressed copy, the newest one made from that identity
      int at = -1;
      int compressedAt = -1;
      for (int i = 0; i < files.size(); i++) {
        if (files.get(i).key().equals(key)) {
          at = i;
        } else if (key.equals(origins.get(files.get(i).key()))) {
          compressedAt = i;
        }
      }
      at = at >= 0 ? at : compressedAt;
      if (at == files.size() - 1) {
        return null;
      }
      if (at >= 0) {
        pick = files.get(at + 1);
      }
      for (int i = 0; i < files.size() && pick == null; i++) {
        Instant first = firstRecordTime(files.get(i));
        if (lastSeen != null && first != null && first.isAfter(lastSeen)) {
          pick = files.get(i);
        }
      }
      if (pick == null && !files.isEmpty()) {
        pick = files.getLast();
      }
      return pick;
    } finally {
      for (LogSource f : files) {
        if (f != pick) {
          f.close();
        }
      }
    }
  }

  private static Instant firstRecordTime(LogSource f) throws IOException {
    Instant[] first = new Instant[1];
    K8sRecords records = new K8sRecords();
    byte[] buf = new byte[4096];
    try (InputStream in = f.stream(0)) {
      int n;
      while (first[0] == null && (n = in.read(buf)) > 0) {
        records.feed(buf, n, e -> {
          first[0] = e.time();
          return false;
        });
      }
    }
    return first[0];
  }

  private static InputStream open(LogSource f, Start from, K8sRecords records) throws IOException {
    records.skip(from.skipRecords());
    return f.stream(from.offset());
  }

  private static boolean copy(LogSource f, Start from, K8sRecords records, byte[] buf,
      K8sRecords.Handler filter) throws IOException {
    try (InputStream in = open(f, from, records)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        if (!records.feed(buf, n, filter)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Where reading starts: file {@code index}, at byte {@code offset} of a plain file, after
   * {@code skipRecords} records of a compressed one.
   */
  record Start(int index, long offset, long skipRecords) {
    static final Start ALL = new Start(0, 0, 0);

    static Start later(Start a, Start b) {
      if (a.index != b.index) {
        return a.index > b.index ? a : b;
      }
      return new Start(a.index, Math.max(a.offset, b.offset), Math.max(a.skipRecords, b.skipRecords));
    }

    /** The first of the last {@code tail} records (negative: all), counted back across files. */
    static Start forTail(List<LogSource> files, int tail) throws IOException {
      int last = files.size() - 1;
      if (tail < 0) {
        return ALL;
      }
      if (tail == 0) {
        return end(files.get(last), last);
      }
      long need = tail;
      for (int i = last; i >= 0; i--) {
        LogSource f = files.get(i);
        if (f.compressed()) {
          long count = countRecords(f);
          if (count >= need) {
            return new Start(i, 0, count - need);
          }
          need -= count;
        } else {
          long[] r = recordsFromEnd(f.channel(), f.size(), need);
          if (r[0] >= 0) {
            return new Start(i, r[0], 0);
          }
          need -= r[1];
        }
      }
      return ALL;
    }

    /** The first file written to at or after {@code since}; the end of the last when none was. */
    static Start forSince(List<LogSource> files, Instant since) {
      if (since == null) {
        return ALL;
      }
      Instant cutoff = since.minus(MTIME_SLACK);
      for (int i = 0; i < files.size(); i++) {
        if (!files.get(i).modified().isBefore(cutoff)) {
          return new Start(i, 0, 0);
        }
      }
      int last = files.size() - 1;
      return end(files.get(last), last);
    }

    private static Start end(LogSource f, int index) {
      return f.compressed() ? new Start(index, 0, Long.MAX_VALUE) : new Start(index, f.size(), 0);
    }

    private static long countRecords(LogSource f) throws IOException {
      long count = 0;
      int lastByte = '\n';
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = f.stream(0)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
              count++;
            }
          }
          lastByte = buf[n - 1];
        }
      }
      return lastByte == '\n' ? count : count + 1;
    }

    /**
     * {offset, 0}: where the last {@code need} records of the first {@code size} bytes start;
     * {-1, records}: the file holds fewer records than that.
     */
    static long[] recordsFromEnd(FileChannel ch, long size, long need) throws IOException {
      if (size == 0) {
        return new long[] {-1, 0};
      }
      ByteBuffer buf = ByteBuffer.allocate(8192);
      long pos = size;
      long seen = 0;
      boolean first = true;
      while (pos > 0) {
        int len = (int) Math.min(buf.capacity(), pos);
        pos -= len;
        buf.clear().limit(len);
        while (buf.hasRemaining() && ch.read(buf, pos + buf.position()) > 0) {
          // fill the block
        }
        for (int i = len - 1; i >= 0; i--) {
          if (buf.get(i) != '\n') {
            continue;
          }
          if (first && pos + i == size - 1) {
            continue; // the newline that ends the last record
          }
          if (++seen == need) {
            return new long[] {pos + i + 1, 0};
          }
        }
        first = false;
      }
      return seen + 1 == need ? new long[] {0, 0} : new long[] {-1, seen + 1};
    }
  }
}
