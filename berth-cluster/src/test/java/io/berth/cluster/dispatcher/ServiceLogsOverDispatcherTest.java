package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.agent.TaskLogEntry;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.dispatcher.Messages.LogFeed;
import io.berth.cluster.dispatcher.Messages.LogLine;
import io.berth.cluster.dispatcher.Messages.LogOptions;
import io.berth.cluster.dispatcher.Messages.SubscribeLogsCall;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.Platform;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.errdefs.ForbiddenException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code service logs} through the real dispatcher over TLS: a manager subscribes at the leader,
 * the subscription rides two workers' sessions, their publishers read their own tasks' logs and
 * the lines come back named by the node that sent them; a reader leaving stops the nodes' reads.
 */
class ServiceLogsOverDispatcherTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final DispatcherFixture f = new DispatcherFixture(leader());
  private final NodeDescription desc = new NodeDescription("h", new Platform("x86_64", "linux"), null, null);
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void leaderIsKnown() {
    f.state.batch().create(new Node("manager1", null, null, null, null, null, null)
        .withManagerStatus(new ManagerStatus(true, ManagerStatus.Reachability.REACHABLE, f.managers().getFirst())))
        .apply();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    f.close();
  }

  private String worker(TaskLogSource logs, String... tasks) throws InterruptedException {
    NodeCredentials creds = new NodeCredentials(
        DispatcherClient.join(f.managers(), f.tokens.worker().render(), desc, null, f.clock).material());
    String id = creds.current().certificate().identity().nodeId();
    var batch = f.state.batch();
    for (String t : tasks) {
      batch.create(task(t, id));
    }
    batch.apply();
    CountDownLatch assigned = new CountDownLatch(1);
    open.add(DispatcherClient.connect(f.managers(), creds, () -> desc, l -> assigned.countDown(), logs, m -> {},
        f.clock));
    assertThat(assigned.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("session of " + id).isTrue();
    return id;
  }

  private Task task(String id, String node) {
    Instant at = f.clock.instant();
    return new Task(id, null, at, at, TaskSpec.of(ContainerSpec.of("busybox:1")), "web", 1, node,
        new TaskStatus(at, TaskState.RUNNING, "started", null), TaskState.RUNNING, null);
  }

  /** A node whose tasks each logged "hello from TASK". */
  private static TaskLogSource hello() {
    return (task, q, sink) -> sink.test(new TaskLogEntry(task, TaskLogEntry.Stream.STDOUT, Instant.now(),
        ("hello from " + task + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  private LogSubscriber subscriber() {
    return new LogSubscriber(f.state, leader(), DispatcherFixture.credentials(f.ca, "manager1", NodeRole.MANAGER),
        f.clock);
  }

  private static String text(LogLine l) {
    return l.nodeId() + " " + new String(l.data(), StandardCharsets.UTF_8).trim();
  }

  @Test
  void theLinesOfEveryNodesTasksComeBackNamedByTheirNode() throws Exception {
    String a = worker(hello(), "a1", "a2");
    String b = worker(hello(), "b1");
    List<String> got = new ArrayList<>();
    List<String> warnings = new ArrayList<>();

    subscriber().read(new SubscribeLogsCall("web", null, new LogOptions(-1, 0, 0, false)), feed -> {
      feed.lines().forEach(l -> got.add(text(l)));
      Optional.ofNullable(feed.warning()).ifPresent(warnings::add);
      return true;
    });

    assertThat(got).containsExactlyInAnyOrder(a + " hello from a1", a + " hello from a2", b + " hello from b1");
    assertThat(warnings).isEmpty();
  }

  @Test
  void oneTaskIsReadOnlyOnItsNodeAndAWorkerMayNotSubscribe() throws Exception {
    String a = worker(hello(), "a1", "a2");
    worker(hello(), "b1");
    List<String> got = new ArrayList<>();

    subscriber().read(new SubscribeLogsCall("web", "a2", new LogOptions(-1, 0, 0, false)), feed -> {
      feed.lines().forEach(l -> got.add(text(l)));
      return true;
    });
    assertThat(got).containsExactly(a + " hello from a2");

    NodeCredentials workerCreds = DispatcherFixture.credentials(f.ca, a, NodeRole.WORKER);
    LogSubscriber asWorker = new LogSubscriber(f.state, leader(),
        workerCreds, f.clock);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> asWorker.read(
            new SubscribeLogsCall("web", null, new LogOptions(-1, 0, 0, false)), feed -> true))
        .isInstanceOf(ForbiddenException.class).hasMessageContaining("only managers read service logs");
  }

  /** manager1 leads (the fixture's dispatcher). */
  private static Leadership leader() {
    return new Leadership() {
      @Override
      public boolean isLeader() {
        return true;
      }

      @Override
      public Optional<String> leaderId() {
        return Optional.of("manager1");
      }
    };
  }

  @Test
  void aFollowingReaderThatLeavesStopsTheNodesReads() throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    TaskLogSource endless = (task, q, sink) -> {
      try {
        for (int i = 0; i < 100_000 && q.follow(); i++) {
          if (!sink.test(new TaskLogEntry(task, TaskLogEntry.Stream.STDERR, Instant.now(),
              ("line " + i + "\n").getBytes(StandardCharsets.UTF_8)))) {
            return;
          }
          Thread.sleep(10);
        }
      } finally {
        stopped.countDown();
      }
    };
    String a = worker(endless, "a1");
    List<LogFeed> feeds = new ArrayList<>();

    subscriber().read(new SubscribeLogsCall("web", null, new LogOptions(-1, 0, 0, true)), feed -> {
      feeds.add(feed);
      return feeds.stream().mapToInt(x -> x.lines().size()).sum() < 3;
    });

    assertThat(feeds.getFirst().lines().getFirst().nodeId()).isEqualTo(a);
    assertThat(feeds.getFirst().lines().getFirst().stderr()).isTrue();
    assertThat(stopped.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the node's read stopped").isTrue();
  }
}
