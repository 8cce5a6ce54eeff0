package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Health checks on a manual scheduler with a scripted prober: Docker's timing and counting. */
class HealthMonitorTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final Deque<Integer> codes = new ArrayDeque<>();
  private final List<java.time.Instant> probes = new ArrayList<>();
  private final List<String> announced = new ArrayList<>();
  private int saves;
  private final HealthMonitor monitor = new HealthMonitor(scheduler, (c, cmd, timeout) -> {
    probes.add(scheduler.now());
    ContainerState.Probe p = new ContainerState.Probe();
    p.exitCode = codes.isEmpty() ? 0 : codes.removeFirst();
    p.output = String.join(" ", cmd);
    return p;
  }, c -> saves++, (c, status) -> announced.add(status));

  private Container running(String healthcheck) throws Exception {
    Container c = new Container();
    c.id = "h".repeat(64);
    c.name = "h";
    c.config = RecordJson.object();
    c.config.set("Healthcheck", RecordJson.MAPPER.readTree(healthcheck));
    c.hostConfig = RecordJson.object();
    c.state.to(c.id, ContainerStatus.RUNNING);
    c.state.startedAt = scheduler.now().toString();
    c.state.health = HealthMonitor.initialState(c);
    return c;
  }

  @Test
  void theChecksOfAConfigAsDockerReadsThem() throws Exception {
    ObjectNode config = RecordJson.object();
    assertThat(HealthCheck.of(config)).isNull();
    config.set("Healthcheck", RecordJson.MAPPER.readTree("{\"Test\":[\"NONE\"]}"));
    assertThat(HealthCheck.of(config)).isNull();
    config.set("Healthcheck", RecordJson.MAPPER.readTree("{\"Test\":[\"CMD-SHELL\",\"curl -f x\"]}"));
    assertThat(HealthCheck.of(config)).isEqualTo(new HealthCheck(List.of("/bin/sh", "-c", "curl -f x"),
        Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5), 3));
    config.set("Healthcheck", RecordJson.MAPPER.readTree("{\"Test\":[\"CMD\",\"true\"],\"Interval\":2000000000,"
        + "\"Timeout\":1000000000,\"StartPeriod\":5000000000,\"StartInterval\":500000000,\"Retries\":2}"));
    assertThat(HealthCheck.of(config)).isEqualTo(new HealthCheck(List.of("true"),
        Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(500), 2));
  }

  @Test
  void probesEveryIntervalAndTurnsUnhealthyAfterRetriesFailures() throws Exception {
    Container c = running("{\"Test\":[\"CMD\",\"check\"],\"Interval\":1000000000,\"Retries\":2}");
    monitor.watch(c);
    scheduler.advance(Duration.ofMillis(999));
    assertThat(probes).isEmpty();
    codes.addAll(List.of(0, 1, 1, 0));
    scheduler.advance(Duration.ofMillis(1));
    assertThat(c.state.health.status).isEqualTo("healthy");
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(c.state.health.status).as("one failure of two").isEqualTo("healthy");
    assertThat(c.state.health.failingStreak).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(c.state.health.status).isEqualTo("unhealthy");
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(c.state.health.status).isEqualTo("healthy");
    assertThat(probes).hasSize(4);
    assertThat(announced).containsExactly("healthy", "unhealthy", "healthy");
    assertThat(saves).isEqualTo(4);
    assertThat(c.state.health.log).extracting(p -> p.output).containsOnly("check");
  }

  @Test
  void failuresInTheStartPeriodDoNotCountAndOnlyFiveResultsAreKept() throws Exception {
    Container c = running("{\"Test\":[\"CMD\",\"check\"],\"Interval\":1000000000,\"StartPeriod\":3000000000,"
        + "\"StartInterval\":1000000000,\"Retries\":1}");
    monitor.watch(c);
    codes.addAll(List.of(1, 1, 1, 1, 1, 1));
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(c.state.health.status).isEqualTo("starting");
    assertThat(c.state.health.failingStreak).isZero();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(c.state.health.status).as("at the end of the start period").isEqualTo("unhealthy");
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(c.state.health.log).hasSize(5);
  }

  @Test
  void aStopOrANewRunEndsTheProbesOfTheOldRun() throws Exception {
    Container c = running("{\"Test\":[\"CMD\",\"check\"],\"Interval\":1000000000}");
    monitor.watch(c);
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(probes).hasSize(2);
    c.state.to(c.id, ContainerStatus.EXITED);
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(probes).hasSize(2);
    assertThat(scheduler.pending()).isZero();
    c.state.to(c.id, ContainerStatus.RUNNING);
    c.state.startedAt = scheduler.now().toString();
    monitor.watch(c);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(probes).hasSize(3);
    assertThat(scheduler.pending()).as("one chain, not two").isEqualTo(1);
  }

  @Test
  void inTheStartPeriodAStartingContainerIsProbedEveryStartInterval() throws Exception {
    Container c = running("{\"Test\":[\"CMD\",\"check\"],\"Interval\":10000000000,\"StartPeriod\":30000000000,"
        + "\"StartInterval\":2000000000}");
    java.time.Instant start = scheduler.now();
    monitor.watch(c);
    codes.addAll(List.of(1, 1, 0));
    scheduler.advance(Duration.ofSeconds(45));
    // starting: every 2 s; healthy at 6 s: every 10 s
    assertThat(probes).extracting(t -> Duration.between(start, t).toSeconds()).containsExactly(2L, 4L, 6L, 16L, 26L, 36L);
    assertThat(c.state.health.failingStreak).isZero();
  }

  @Test
  void withAStartPeriodAndNoStartIntervalDockersFiveSecondsApply() throws Exception {
    Container c = running("{\"Test\":[\"CMD\",\"check\"],\"Interval\":60000000000,\"StartPeriod\":30000000000}");
    java.time.Instant start = scheduler.now();
    monitor.watch(c);
    codes.addAll(List.of(1, 0));
    scheduler.advance(Duration.ofSeconds(69));
    assertThat(probes).extracting(t -> Duration.between(start, t).toSeconds()).containsExactly(5L, 10L);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(probes).hasSize(3);
  }

  @Test
  void onceHealthyAFailureCountsEvenInTheStartPeriod() throws Exception {
    Container c = running("{\"Test\":[\"CMD\",\"check\"],\"Interval\":1000000000,\"StartPeriod\":60000000000,"
        + "\"StartInterval\":1000000000,\"Retries\":1}");
    monitor.watch(c);
    codes.addAll(List.of(1, 0, 1));
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(announced).containsExactly("healthy", "unhealthy");
  }
}
