package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.runtime.RuntimeIO;
import io.berth.runtime.ExecSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a container's health check (image HEALTHCHECK or {@code --health-*}) as Docker does:
 * an exec every interval, failures counted only after the start period, {@code unhealthy} after
 * {@code retries} consecutive failures, the last five results kept for inspect.
 */
public final class HealthMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
  private static final long DEFAULT_INTERVAL = 30_000_000_000L;
  private static final int MAX_OUTPUT = 4096;
  private final ContainerService containers;
  private final Clock clock;

  public HealthMonitor(ContainerService containers, Clock clock) {
    this.containers = containers;
    this.clock = clock;
  }

  /** The probe command, or null when the container has no (or a NONE) health check. */
  static List<String> probe(Container c) {
    JsonNode test = c.config.path("Healthcheck").path("Test");
    if (!test.isArray() || test.isEmpty()) {
      return null;
    }
    String kind = test.get(0).asText();
    List<String> rest = new ArrayList<>();
    for (int i = 1; i < test.size(); i++) {
      rest.add(test.get(i).asText());
    }
    return switch (kind) {
      case "CMD" -> rest.isEmpty() ? null : rest;
      case "CMD-SHELL" -> List.of("/bin/sh", "-c", String.join(" ", rest));
      default -> null;
    };
  }

  ContainerState.Health initialState(Container c) {
    return probe(c) == null ? null : new ContainerState.Health();
  }

  void watch(Container c) {
    List<String> cmd = probe(c);
    if (cmd == null) {
      return;
    }
    JsonNode hc = c.config.path("Healthcheck");
    Duration interval = nanos(hc.path("Interval").asLong(0), DEFAULT_INTERVAL);
    Duration timeout = nanos(hc.path("Timeout").asLong(0), DEFAULT_INTERVAL);
    Duration startPeriod = nanos(hc.path("StartPeriod").asLong(0), 0);
    int retries = hc.path("Retries").asInt(0) > 0 ? hc.path("Retries").asInt() : 3;
    String startedAt = c.state.startedAt;
    Thread.ofVirtual().name("health-" + c.shortId()).start(() -> {
      Instant started = Instant.parse(startedAt);
      while (true) {
        try {
          Thread.sleep(interval);
        } catch (InterruptedException e) {
          return;
        }
        synchronized (c) {
          if (!c.state.status.equals("running") || !c.state.startedAt.equals(startedAt)) {
            return;
          }
        }
        ContainerState.Probe result = runProbe(c, cmd, timeout);
        boolean inStartPeriod = Duration.between(started, clock.instant()).compareTo(startPeriod) < 0;
        String changed = null;
        synchronized (c) {
          if (!c.state.status.equals("running") || c.state.health == null) {
            return;
          }
          ContainerState.Health h = c.state.health;
          h.log.add(result);
          while (h.log.size() > 5) {
            h.log.removeFirst();
          }
          String before = h.status;
          if (result.exitCode == 0) {
            h.failingStreak = 0;
            h.status = "healthy";
          } else if (!inStartPeriod) {
            h.failingStreak++;
            if (h.failingStreak >= retries) {
              h.status = "unhealthy";
            }
          }
          if (!before.equals(h.status)) {
            changed = h.status;
          }
          containers.repository().save(c);
        }
        if (changed != null) {
          containers.emit(c, "health_status: " + changed, Map.of());
        }
      }
    });
  }

  private ContainerState.Probe runProbe(Container c, List<String> cmd, Duration timeout) {
    ContainerState.Probe p = new ContainerState.Probe();
    p.start = clock.instant().toString();
    RuntimeIO rt = containers.runtime();
    try (ExecSession s = rt.exec(c.id, new RuntimeIO.ExecSpec(cmd, List.of(), null, null,
        false, false, false), containers.paths().state(c.id))) {
      s.stdin().close();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread t1 = Thread.ofVirtual().start(() -> copyBounded(s.stdout(), out));
      Thread t2 = Thread.ofVirtual().start(() -> copyBounded(s.stderr(), out));
      try {
        p.exitCode = s.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        t1.join(1000);
        t2.join(1000);
        synchronized (out) {
          p.output = out.toString();
        }
      } catch (TimeoutException e) {
        p.exitCode = -1;
        p.output = "Health check exceeded timeout (" + timeout.toSeconds() + "s)";
      }
    } catch (Exception e) {
      LOG.debug("health probe of {} failed: {}", c.id, e.toString());
      p.exitCode = -1;
      p.output = e.getMessage();
    }
    p.end = clock.instant().toString();
    return p;
  }

  private static void copyBounded(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[1024];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (out) {
          if (out.size() < MAX_OUTPUT) {
            out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
          }
        }
      }
    } catch (IOException ignored) {
      // process ended
    }
  }

  private static Duration nanos(long n, long dflt) {
    return Duration.ofNanos(n > 0 ? n : dflt);
  }
}
