package io.berth.daemon.dashboard;

import io.berth.http.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One server-sent-events response: named events with one-line JSON data, and comments to keep
 * the connection (and proxies) awake. A write that fails means the browser went away; the
 * caller's loop ends on the IOException.
 */
final class SseStream implements AutoCloseable {
  private final OutputStream out;

  private SseStream(OutputStream out) {
    this.out = out;
  }

  static SseStream open(HttpResponse s) {
    s.header("Cache-Control", "no-store");
    s.header("X-Accel-Buffering", "no");
    return new SseStream(s.stream(200, "text/event-stream; charset=utf-8"));
  }

  /** {@code data} must be one line (compact JSON is). */
  synchronized void event(String name, String data) throws IOException {
    write("event: " + name + "\ndata: " + data + "\n\n");
  }

  synchronized void comment(String text) throws IOException {
    write(": " + text + "\n\n");
  }

  private void write(String frame) throws IOException {
    out.write(frame.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
