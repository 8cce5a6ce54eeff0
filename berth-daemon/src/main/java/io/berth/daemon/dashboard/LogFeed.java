package io.berth.daemon.dashboard;

import io.berth.cluster.model.Service;
import io.berth.daemon.records.RecordJson;
import io.berth.daemon.swarm.ServiceLogs;
import io.berth.daemon.swarm.SwarmUnavailableException;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /api/services/{id}/logs?tail=N}: the last lines of a service's tasks and then the new
 * ones, as server-sent events ({@code event: line}, {@code data: {"task","line"}}), read through the
 * same cluster log collection {@code docker service logs -f} uses. A following read sleeps until
 * a line comes, so a keep-alive beside it notices a browser that left (or a revoked token) and
 * interrupts the read.
 */
final class LogFeed {
  static final int MAX_TAIL = 10_000;

  private final ClusterAccess cluster;
  private final ServiceLogs logs;
  private final Duration ping;

  LogFeed(ClusterAccess cluster, ServiceLogs logs, Duration ping) {
    this.cluster = cluster;
    this.logs = logs;
    this.ping = ping;
  }

  void serve(String serviceRef, String tailText, HttpResponse s, BooleanSupplier stillAllowed) throws Exception {
    int tail = tail(tailText);
    Service svc = cluster.services().inspect(serviceRef);
    if (logs == null) {
      throw new SwarmUnavailableException("service logs are not available on this node");
    }
    Thread reader = Thread.currentThread();
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    try (SseStream sse = SseStream.open(s)) {
      Thread keepAlive = Thread.ofVirtual().start(() -> {
        try {
          while (stillAllowed.getAsBoolean()) {
            Thread.sleep(ping);
            sse.comment("ping");
          }
        } catch (IOException | InterruptedException e) {
          // the browser left, or the read ended and stopped this thread
        }
        if (!done.get()) {
          reader.interrupt();
        }
      });
      try {
        logs.stream(new ServiceLogs.Request(svc.id(), null, true, null, null, tail, true, true), new ServiceLogs.Sink() {
          @Override
          public boolean accept(ServiceLogs.Line line) {
            String text = new String(line.data(), StandardCharsets.UTF_8).stripTrailing();
            try {
              sse.event("line", RecordJson.MAPPER.writeValueAsString(RecordJson.object()
                  .put("task", line.taskId()).put("line", text)));
              return true;
            } catch (IOException browserLeft) {
              return false;
            }
          }

          @Override
          public void caughtUp() {
            // the page shows lines as they come; nothing to mark
          }

          @Override
          public void incomplete(String warning) {
            try {
              sse.event("warning", RecordJson.MAPPER.writeValueAsString(RecordJson.object().put("message", warning)));
            } catch (IOException ignored) {
              // the browser left; the next line ends the read
            }
          }
        });
      } catch (InterruptedException browserLeftOrRevoked) {
        // ends the response
      } catch (BerthException | SwarmUnavailableException e) {
        sse.event("warning", RecordJson.MAPPER.writeValueAsString(RecordJson.object().put("message", e.getMessage())));
      } finally {
        done.set(true);
        keepAlive.interrupt();
        while (keepAlive.isAlive()) {
          try {
            keepAlive.join();
          } catch (InterruptedException lastWord) {
            // the keep-alive's interrupt, sent before it saw the read end: waited out here
          }
        }
        Thread.interrupted(); // and cleared, so the connection stays usable
      }
    } catch (IOException browserLeft) {
      // nothing to answer
    }
  }

  static int tail(String text) {
    if (text == null || text.isEmpty()) {
      return 100;
    }
    try {
      int n = Integer.parseInt(text);
      if (n >= 0 && n <= MAX_TAIL) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new InvalidArgumentException("invalid tail " + text + ": expected a number of lines from 0 to " + MAX_TAIL);
  }
}
