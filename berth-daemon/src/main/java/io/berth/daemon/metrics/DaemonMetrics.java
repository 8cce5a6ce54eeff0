package io.berth.daemon.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * berthd's meters, in one Prometheus registry (decision 0041). Most values are computed when a
 * scrape comes (containers by state, per-container usage, the cluster's gauges): the daemon does
 * no work for metrics between scrapes beyond bumping a few counters. Scrape-time sets whose
 * members come and go (one series per running container) are refreshed just before the scrape.
 */
public final class DaemonMetrics {
  /** Prometheus' text exposition format 0.0.4, what {@link #scrape()} writes. */
  public static final String CONTENT_TYPE = io.berth.http.MetricsListener.PROMETHEUS_TEXT;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();

  public MeterRegistry registry() {
    return registry;
  }

  /** Runs {@code refresh} before each scrape (to add or drop series whose members change). */
  public void beforeScrape(Runnable refresh) {
    beforeScrape.add(refresh);
  }

  /** One scrape in the text format; serialized so that two scrapes do not refresh at once. */
  public synchronized String scrape() {
    beforeScrape.forEach(Runnable::run);
    return registry.scrape();
  }
}
