package io.berth.daemon.metrics;

import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerStatus;
import io.berth.daemon.container.ContainerStreams;
import io.berth.runtime.ContainerRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Per-container CPU, memory, network and block I/O, labelled {@code id}, {@code name} and
 * {@code image}, for running containers only. Read at scrape time from the same source as
 * {@code docker stats} ({@link ContainerStreams#usage}): one reading per container per scrape,
 * which every series of that container then shows. A container that stops loses its series at
 * the next scrape.
 */
public final class ContainerUsageMeters {
  private final MeterRegistry registry;
  private final ContainerService containers;
  private final ContainerStreams streams;
  /** The reading of this scrape, by container id; the meters' functions look here. */
  private final Map<String, ContainerRuntime.Stats> readings = new HashMap<>();
  private final Map<String, List<Meter>> meters = new HashMap<>();

  private ContainerUsageMeters(MeterRegistry registry, ContainerService containers, ContainerStreams streams) {
    this.registry = registry;
    this.containers = containers;
    this.streams = streams;
  }

  public static void bind(DaemonMetrics metrics, ContainerService containers, ContainerStreams streams) {
    ContainerUsageMeters m = new ContainerUsageMeters(metrics.registry(), containers, streams);
    metrics.beforeScrape(m::refresh);
  }

  /** Reads every running container once and adds or drops series to match (under the scrape's lock). */
  void refresh() {
    Map<String, ContainerRuntime.Stats> now = new HashMap<>();
    Map<String, Container> running = new HashMap<>();
    for (Container c : containers.list()) {
      if (!c.state.is(ContainerStatus.RUNNING, ContainerStatus.PAUSED)) {
        continue;
      }
      Optional<ContainerRuntime.Stats> st;
      try {
        st = streams.usage(c);
      } catch (RuntimeException stoppedMeanwhile) {
        continue;
      }
      st.ifPresent(s -> {
        now.put(c.id, s);
        running.put(c.id, c);
      });
    }
    readings.clear();
    readings.putAll(now);
    meters.entrySet().removeIf(e -> {
      if (running.containsKey(e.getKey())) {
        return false;
      }
      e.getValue().forEach(registry::remove);
      return true;
    });
    running.forEach((id, c) -> meters.computeIfAbsent(id, k -> register(c)));
  }

  private List<Meter> register(Container c) {
    Tags tags = labels(c);
    String id = c.id;
    List<Meter> list = new ArrayList<>();
    list.add(counter("berth.container.cpu.usage", "seconds", "CPU time the container used", tags, id,
        s -> s.cpu().totalNanos() / 1e9));
    list.add(gauge("berth.container.memory.usage", "Memory the container uses (its cgroup's figure)", tags, id,
        s -> s.memory().usage()));
    list.add(gauge("berth.container.memory.limit", "The container's memory limit (the host's memory if none)", tags,
        id, s -> s.memory().limit()));
    list.add(counter("berth.container.network.receive", "bytes", "Bytes received on the container's interfaces",
        tags, id, ContainerRuntime.Stats::netRxBytes));
    list.add(counter("berth.container.network.transmit", "bytes", "Bytes sent on the container's interfaces",
        tags, id, ContainerRuntime.Stats::netTxBytes));
    list.add(counter("berth.container.block.read", "bytes", "Bytes read from block devices", tags, id,
        ContainerRuntime.Stats::blockReadBytes));
    list.add(counter("berth.container.block.write", "bytes", "Bytes written to block devices", tags, id,
        ContainerRuntime.Stats::blockWriteBytes));
    list.add(Gauge.builder("berth.container.pids", this, m -> m.read(id, ContainerRuntime.Stats::pids))
        .description("Processes in the container").tags(tags).register(registry));
    return list;
  }

  /** The labels of a container's series: its full id, its name (no slash) and the image it was created from. */
  static Tags labels(Container c) {
    return Tags.of("id", c.id, "name", c.name == null ? "" : c.name.replaceFirst("^/", ""),
        "image", c.imageName == null ? "" : c.imageName);
  }

  private Meter counter(String name, String unit, String help, Tags tags, String id,
      ToDoubleFunction<ContainerRuntime.Stats> value) {
    return FunctionCounter.builder(name, this, m -> m.read(id, value)).baseUnit(unit).description(help).tags(tags)
        .register(registry);
  }

  private Meter gauge(String name, String help, Tags tags, String id, ToDoubleFunction<ContainerRuntime.Stats> value) {
    return Gauge.builder(name, this, m -> m.read(id, value)).baseUnit("bytes").description(help).tags(tags)
        .register(registry);
  }

  private double read(String id, ToDoubleFunction<ContainerRuntime.Stats> value) {
    ContainerRuntime.Stats s = readings.get(id);
    return s == null ? Double.NaN : value.applyAsDouble(s);
  }
}
