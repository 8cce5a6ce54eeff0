package io.berth.runtime.log;

import io.berth.runtime.LogEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * Splits conmon's k8s-file bytes ({@code <RFC3339Nano> <stdout|stderr> <P|F> <text>\n}) into
 * entries. Works on bytes, not text, so output that is not UTF-8, or a character cut by a read
 * boundary, comes back unchanged.
 */
final class K8sRecords {
  /** What to do with each entry; false stops reading. */
  interface Handler {
    boolean accept(LogEntry e);
  }

  private final Timestamps timestamps = new Timestamps();
  private byte[] pending = new byte[256];
  private int pendingLen;
  private long skip;

  /** Ignores the first {@code records} complete records fed (tail inside a compressed file). */
  void skip(long records) {
    this.skip = records;
  }

  /** Feeds {@code n} bytes; false once the handler asked to stop. */
  boolean feed(byte[] buf, int n, Handler h) {
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (buf[i] != '\n') {
        continue;
      }
      LogEntry e;
      if (pendingLen == 0) {
        e = skip > 0 ? null : parse(buf, start, i - start, timestamps);
      } else {
        append(buf, start, i - start);
        e = skip > 0 ? null : parse(pending, 0, pendingLen, timestamps);
        pendingLen = 0;
      }
      start = i + 1;
      if (skip > 0) {
        skip--;
        continue;
      }
      if (e != null && !h.accept(e)) {
        return false;
      }
    }
    append(buf, start, n - start);
    return true;
  }

  /** Drops an unfinished record (the file it came from is complete, so it never will be). */
  void reset() {
    pendingLen = 0;
    skip = 0;
  }

  private void append(byte[] b, int off, int len) {
    if (pendingLen + len > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLen + len));
    }
    System.arraycopy(b, off, pending, pendingLen, len);
    pendingLen += len;
  }

  /** One record, or null when the line is not one (never written by conmon). */
  static LogEntry parse(byte[] b, int off, int len, Timestamps timestamps) {
    int s1 = indexOf(b, off, off + len, ' ');
    int s2 = s1 < 0 ? -1 : indexOf(b, s1 + 1, off + len, ' ');
    if (s2 < 0) {
      return null;
    }
    int s3 = indexOf(b, s2 + 1, off + len, ' ');
    int flagEnd = s3 < 0 ? off + len : s3;
    Instant t = timestamps.parse(b, off, s1 - off);
    if (t == null) {
      return null;
    }
    boolean stderr = s2 - s1 - 1 == 6 && new String(b, s1 + 1, 6, StandardCharsets.US_ASCII).equals("stderr");
    boolean partial = flagEnd - s2 - 1 == 1 && b[s2 + 1] == 'P';
    int textStart = s3 < 0 ? off + len : s3 + 1;
    int textLen = off + len - textStart;
    byte[] data = Arrays.copyOfRange(b, textStart, textStart + textLen + (partial ? 0 : 1));
    if (!partial) {
      data[textLen] = '\n';
    }
    return new LogEntry(stderr ? LogEntry.Stream.STDERR : LogEntry.Stream.STDOUT, t, data);
  }

  /**
   * conmon's timestamps ({@code 2026-01-01T10:00:00.123456789+02:00}): lines written in one
   * second share everything but the fraction, so the second is parsed once and the fraction
   * of each line by hand; anything else goes through the full parser.
   */
  static final class Timestamps {
    private static final int FRACTION = 20;
    private static final int LENGTH = 35;
    private final byte[] second = new byte[LENGTH];
    private long epochSecond = Long.MIN_VALUE;

    Instant parse(byte[] b, int off, int len) {
      if (len == LENGTH && b[off + FRACTION - 1] == '.' && sameSecond(b, off)) {
        long nanos = 0;
        for (int i = FRACTION; i < FRACTION + 9; i++) {
          int d = b[off + i] - '0';
          if (d < 0 || d > 9) {
            return full(b, off, len);
          }
          nanos = nanos * 10 + d;
        }
        return Instant.ofEpochSecond(epochSecond, nanos);
      }
      return full(b, off, len);
    }

    private boolean sameSecond(byte[] b, int off) {
      if (epochSecond == Long.MIN_VALUE) {
        return false;
      }
      for (int i = 0; i < LENGTH; i++) {
        if ((i < FRACTION - 1 || i >= FRACTION + 9) && b[off + i] != second[i]) {
          return false;
        }
      }
      return true;
    }

    private Instant full(byte[] b, int off, int len) {
      Instant t;
      try {
        t = OffsetDateTime.parse(new String(b, off, len, StandardCharsets.US_ASCII)).toInstant();
      } catch (DateTimeParseException e) {
        return null;
      }
      if (len == LENGTH && b[off + FRACTION - 1] == '.') {
        System.arraycopy(b, off, second, 0, LENGTH);
        epochSecond = t.getEpochSecond();
      }
      return t;
    }
  }

  private static int indexOf(byte[] b, int from, int to, char c) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
