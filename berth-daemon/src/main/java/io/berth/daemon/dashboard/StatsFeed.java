package io.berth.daemon.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerStatus;
import io.berth.daemon.container.ContainerStreams;
import io.berth.daemon.records.RecordJson;
import io.berth.http.HttpResponse;
import io.berth.runtime.ContainerRuntime;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /api/stats}: every {@link #PERIOD}, one {@code stats} event with CPU and memory of each
 * running container of this engine, for the container list's sparklines. Read through the same
 * sampling {@code docker stats} uses; CPU is a rate between two readings of one stream, computed
 * as the docker CLI computes its CPU % (container CPU time over host CPU time, times the CPUs),
 * and memory leaves out the page cache, as the CLI does.
 */
final class StatsFeed {
  static final Duration PERIOD = Duration.ofSeconds(2);

  private record Reading(long cpu, long system) {}

  private final ContainerService containers;
  private final ContainerStreams streams;
  private final Duration period;

  StatsFeed(ContainerService containers, ContainerStreams streams, Duration period) {
    this.containers = containers;
    this.streams = streams;
    this.period = period;
  }

  void serve(HttpResponse s, BooleanSupplier stillAllowed) throws Exception {
    Map<String, Reading> previous = new HashMap<>();
    try (SseStream sse = SseStream.open(s)) {
      while (stillAllowed.getAsBoolean()) {
        ArrayNode out = RecordJson.array();
        Map<String, Reading> now = new HashMap<>();
        for (Container c : containers.list()) {
          if (!c.state.is(ContainerStatus.RUNNING)) {
            continue;
          }
          Optional<ContainerRuntime.Stats> read;
          try {
            read = streams.stats(c);
          } catch (RuntimeException gone) {
            continue; // stopped between the list and the reading
          }
          if (read.isEmpty()) {
            continue;
          }
          ContainerRuntime.Stats st = read.get();
          Reading r = new Reading(st.cpu().totalNanos(), st.cpu().systemNanos());
          now.put(c.id, r);
          Reading p = previous.get(c.id);
          double cpu = 0;
          if (p != null && r.system() > p.system() && r.cpu() >= p.cpu()) {
            cpu = (double) (r.cpu() - p.cpu()) / (r.system() - p.system()) * Math.max(1, st.cpu().onlineCpus()) * 100.0;
          }
          long cache = st.memory().inactiveFile();
          long memory = st.memory().usage() - (cache <= st.memory().usage() ? cache : 0);
          out.addObject().put("ID", c.id).put("CPUPercent", Math.round(cpu * 100) / 100.0)
              .put("MemoryBytes", memory).put("MemoryLimit", st.memory().limit());
        }
        previous = now;
        sse.event("stats", RecordJson.MAPPER.writeValueAsString(out));
        Thread.sleep(period);
      }
    } catch (IOException browserLeft) {
      // nothing to answer
    }
  }
}
