package io.berth.daemon.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.events.EventBus;
import io.berth.daemon.records.RecordJson;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /api/events}: the daemon's event bus as server-sent events, the same JSON
 * {@code docker events} prints. Each browser gets a bounded queue the bus fills without
 * blocking; the request's (virtual) thread sleeps on it and wakes for an event or, every
 * {@link #PING}, to send a keep-alive comment and check that the access still holds (a revoked
 * token's stream ends). A browser too slow to keep up loses events, not memory: the page
 * refetches the whole state on the next one it gets.
 */
final class EventFeed {
  static final Duration PING = Duration.ofSeconds(15);
  private static final int QUEUE = 512;

  private final EventBus events;
  private final Duration ping;

  EventFeed(EventBus events, Duration ping) {
    this.events = events;
    this.ping = ping;
  }

  void serve(HttpResponse s, BooleanSupplier stillAllowed) throws Exception {
    BlockingQueue<ObjectNode> queue = new ArrayBlockingQueue<>(QUEUE);
    try (AutoCloseable sub = events.subscribe(queue::offer); SseStream sse = SseStream.open(s)) {
      sse.event("hello", "{}");
      while (stillAllowed.getAsBoolean()) {
        ObjectNode e = queue.poll(ping.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
          sse.comment("ping");
        } else {
          sse.event("docker", RecordJson.MAPPER.writeValueAsString(e));
        }
      }
    } catch (IOException browserLeft) {
      // the page closed or reloaded: nothing to do
    }
  }
}
