package io.berth.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The registry's series (decision 0041): {@code berth_registry_requests_total{operation,status}},
 * {@code berth_registry_served_bytes_total} (response bodies: blobs, manifests, listings) and
 * {@code berth_registry_uploads} (upload sessions open now, counted at scrape from storage, so
 * abandoned ones show until garbage collection removes them).
 */
public final class RegistryMetrics {
  private final MeterRegistry registry;
  private final Counter served;

  public RegistryMetrics(MeterRegistry registry, Path uploads) {
    this.registry = registry;
    this.served = Counter.builder("berth.registry.served").baseUnit("bytes")
        .description("Body bytes the registry sent (blobs, manifests, listings)").register(registry);
    Gauge.builder("berth.registry.uploads", () -> sessions(uploads))
        .description("Blob upload sessions open (started, neither completed nor cancelled)").register(registry);
  }

  void answered(String operation, int status, long bodyBytes) {
    Counter.builder("berth.registry.requests").description("Registry requests, by operation and status")
        .tags("operation", operation, "status", Integer.toString(status)).register(registry).increment();
    served.increment(bodyBytes);
  }

  private static long sessions(Path uploads) {
    try (Stream<Path> s = Files.list(uploads)) {
      return s.filter(Files::isDirectory).count();
    } catch (IOException e) {
      return 0; // no upload was ever started
    }
  }
}
