package io.berth.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A server-sent-events response of the dashboard read line by line on a thread of its own, so a
 * test can wait (bounded) for a line or for the stream's end. Closing it hangs up.
 */
final class SseReader implements AutoCloseable {
  private static final String END = "\u0000end";
  private final InputStream body;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private SseReader(InputStream body) {
    this.body = body;
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          lines.add(l);
        }
      } catch (IOException e) {
        // hung up
      } finally {
        lines.add(END);
      }
    });
  }

  static SseReader open(Map<String, String> headers, String path) throws Exception {
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + DashboardApiIT.port() + path)).GET();
    headers.forEach(b::header);
    HttpResponse<InputStream> r = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
        .build().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200 || !r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
      String text = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
      throw new AssertionError(path + " answered " + r.statusCode() + ": " + text);
    }
    return new SseReader(r.body());
  }

  /** The first line (from now on) that {@code p} accepts, or null if none came within {@code within}. */
  String await(Predicate<String> p, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      String l = lines.poll(left, TimeUnit.NANOSECONDS);
      if (l == null || l.equals(END)) {
        if (l != null) {
          lines.add(END);
          return null;
        }
        return null;
      }
      if (p.test(l)) {
        return l;
      }
    }
  }

  /** Whether the server ended the stream within {@code within}. */
  boolean awaitEnd(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      String l = lines.poll(left, TimeUnit.NANOSECONDS);
      if (l == null) {
        return false;
      }
      if (l.equals(END)) {
        return true;
      }
    }
  }

  @Override
  public void close() throws IOException {
    body.close();
  }
}
