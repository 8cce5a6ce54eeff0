package io.berth.daemon.api;

import io.berth.http.StreamFrames;
import io.berth.runtime.LogEntry;
import io.berth.runtime.LogReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.SortedMap;

/**
 * Log entries as {@code logs} and attach send them: Docker's frames (raw with a TTY), the
 * streams asked for, {@code -t} timestamps and {@code --details} attributes. Frames are
 * buffered and sent when the reader has caught up with the log, so a long log goes out in
 * large writes while a followed one still shows each line as it comes.
 */
final class LogStream extends BufferedOutputStream implements LogReader.Sink {
  /** Docker's RFC3339NanoFixed: always nine fractional digits, so timestamps line up. */
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'").withZone(ZoneOffset.UTC);
  private final boolean raw;
  private final boolean stdout;
  private final boolean stderr;
  private final boolean timestamps;
  private final byte[] details;
  private volatile boolean gone;

  /** {@code details}: the attributes to print before each line, or null without --details. */
  LogStream(OutputStream out, boolean raw, boolean stdout, boolean stderr, boolean timestamps,
      SortedMap<String, String> details) {
    super(out, 64 * 1024);
    this.raw = raw;
    this.stdout = stdout;
    this.stderr = stderr;
    this.timestamps = timestamps;
    this.details = details == null ? null : details(details);
  }

  @Override
  public boolean accept(LogEntry e) {
    boolean isOut = e.stream() == LogEntry.Stream.STDOUT;
    if ((isOut && !stdout) || (!isOut && !stderr)) {
      return true;
    }
    byte[] data = e.data();
    if (details != null) {
      data = concat(details, data);
    }
    if (timestamps) {
      data = concat((TIMESTAMP.format(e.time()) + " ").getBytes(StandardCharsets.US_ASCII), data);
    }
    try {
      StreamFrames.write(this, raw, isOut ? StreamFrames.STDOUT : StreamFrames.STDERR, data, 0, data.length);
      return !gone;
    } catch (IOException ex) {
      return false;
    }
  }

  /** An error after the stream began, as Docker writes it: a frame on the system-error stream. */
  void systemError(String message) {
    byte[] data = (message + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      StreamFrames.write(this, raw, StreamFrames.SYSTEMERR, data, 0, data.length);
    } catch (IOException e) {
      gone = true;
    }
  }

  @Override
  public void caughtUp() {
    gone |= !send();
  }

  @Override
  public void flush() {
    // each frame asks for one; what is buffered goes out when the reader caught up
  }

  /** Sends what is left, then ends the response. */
  @Override
  public void close() throws IOException {
    send();
    out.close();
  }

  /** Sends what is buffered; false when the client went away. */
  synchronized boolean send() {
    try {
      super.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code --details}' prefix: the attributes as Docker prints them ({@code k=v,k2=v2 }). */
  static byte[] details(SortedMap<String, String> attrs) {
    StringBuilder b = new StringBuilder();
    attrs.forEach((k, v) -> b.append(b.isEmpty() ? "" : ",").append(queryEscape(k)).append('=').append(queryEscape(v)));
    return b.append(' ').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Go's url.QueryEscape, which Docker applies to attribute keys and values. */
  static String queryEscape(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
        b.append((char) c);
      } else if (c == ' ') {
        b.append('+');
      } else {
        b.append('%').append(String.format("%02X", c));
      }
    }
    return b.toString();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
