package io.berth.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;

/**
 * Engine API requests by method, route TEMPLATE and status ({@code berth_api_requests_total},
 * {@code berth_api_request_duration_seconds}). Labels come only from bounded sets: the router's
 * templates, the methods Docker's API uses, status codes; a raw path or an invented method never
 * becomes a label, so a client cannot blow up the number of series.
 */
public final class ApiMeters {
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE");
  private final MeterRegistry registry;

  public ApiMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts one answered request (the router's observer). */
  public void answered(String method, String template, int status, long nanos) {
    String m = METHODS.contains(method) ? method : "other";
    String st = Integer.toString(status);
    Counter.builder("berth.api.requests").description("Engine API requests answered, by route template and status")
        .tags("method", m, "route", template, "status", st).register(registry).increment();
    Timer.builder("berth.api.request.duration").description("Time to answer an Engine API request (streams: until they end)")
        .tags("method", m, "route", template).register(registry).record(Duration.ofNanos(nanos));
  }
}
