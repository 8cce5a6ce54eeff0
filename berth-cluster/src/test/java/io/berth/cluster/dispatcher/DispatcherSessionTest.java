package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.Platform;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.ForbiddenException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sessions over real TLS: each node sees its own tasks as they change, reports only its own, and lives by heartbeats. */
class DispatcherSessionTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final DispatcherFixture f = new DispatcherFixture();
  private final NodeDescription desc = new NodeDescription("h", new Platform("x86_64", "linux"), null, null);

  @AfterEach
  void close() {
    f.close();
  }

  private Task task(String id, String node) {
    Instant at = f.clock.instant();
    return new Task(id, null, at, at, TaskSpec.of(ContainerSpec.of("busybox:1")), "svc", 1, node,
        new TaskStatus(at, TaskState.ASSIGNED, "scheduler assigned task to node", null), TaskState.RUNNING, null);
  }

  private static List<Task> next(BlockingQueue<List<Task>> q, Predicate<List<Task>> wanted) throws InterruptedException {
    return DispatcherFixture.awaitSet(q, wanted, WAIT);
  }

  private Node awaitNode(String id, Predicate<Node> wanted) throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    long index = 0;
    while (System.nanoTime() < until) {
      Node n = f.state.node(id).orElseThrow();
      if (wanted.test(n)) {
        return n;
      }
      index = f.state.store().awaitIndex(Math.max(index, f.state.store().index()), Duration.ofMillis(500));
    }
    throw new AssertionError("node " + id + " did not reach the wanted state within " + WAIT + ": "
        + f.state.node(id).orElseThrow().status());
  }

  private static List<String> ids(List<Task> tasks) {
    return tasks.stream().map(Task::id).sorted().toList();
  }

  @Test
  void aWorkerSeesOnlyItsOwnTasksAndANewAssignmentArrivesOnItsOwn() throws Exception {
    NodeCredentials a = f.joinWorker(desc);
    NodeCredentials b = f.joinWorker(desc);
    String idA = a.current().certificate().identity().nodeId();
    String idB = b.current().certificate().identity().nodeId();
    Task pendingOnA = task("pendingA", idA).withStatus(new TaskStatus(null, TaskState.PENDING, "", null));
    f.state.batch().create(task("a1", idA)).create(task("b1", idB)).create(pendingOnA).apply();

    BlockingQueue<List<Task>> seenByA = new LinkedBlockingQueue<>();
    try (DispatcherSession s = DispatcherClient.connect(f.managers(), a, () -> desc, seenByA::add, m -> {}, f.clock)) {
      assertThat(ids(next(seenByA, l -> true))).containsExactly("a1");

      f.state.batch().create(task("b2", idB)).create(task("a2", idA)).apply();
      assertThat(ids(next(seenByA, l -> l.size() != 1))).containsExactly("a1", "a2");

      f.state.batch().delete(io.berth.cluster.state.ClusterState.TASKS, "a1").apply();
      assertThat(ids(next(seenByA, l -> l.size() != 2))).containsExactly("a2");
      assertThat(f.state.node(idA).orElseThrow().status().state()).isEqualTo(NodeState.READY);
    }
  }

  @Test
  void aNodeBusyWithItsNetworksGetsTheNewestSetNextNotEverySetInBetween() throws Exception {
    NodeCredentials a = f.joinWorker(desc);
    String idA = a.current().certificate().identity().nodeId();
    f.state.batch().create(task("a1", idA)).apply();
    BlockingQueue<List<Task>> seen = new LinkedBlockingQueue<>();
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (DispatcherSession s = DispatcherClient.connect(f.managers(), a, () -> desc, seen::add, m -> {}, f.clock)) {
      s.onNetworks(view -> {
        busy.countDown();
        try {
          release.await(WAIT.toSeconds(), TimeUnit.SECONDS); // a node slow to program its networks
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(busy.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      long before = s.setsReceived();
      for (int i = 2; i <= 6; i++) {
        long had = s.setsReceived();
        f.state.batch().create(task("a" + i, idA)).apply();
        long until = System.nanoTime() + WAIT.toNanos();
        while (s.setsReceived() == had && System.nanoTime() < until) {
          Thread.sleep(5); // each write its own set
        }
      }
      assertThat(s.setsReceived()).as("sets received while busy").isGreaterThanOrEqualTo(before + 5);
      release.countDown();
      // the set being delivered when the node got busy (one or none), then at once the newest
      List<Task> got = next(seen, l -> l.size() > 1);
      assertThat(ids(got)).containsExactly("a1", "a2", "a3", "a4", "a5", "a6");
    }
  }

  /**
   * A follower's dispatcher that names manager1 (the fixture's leader, at its address) as the
   * leader, with a task "a1" assigned to the worker {@code a}.
   */
  private DispatcherServer followerOfTheLeader(NodeCredentials a) throws Exception {
    String idA = a.current().certificate().identity().nodeId();
    f.state.batch().create(task("a1", idA))
        .create(new Node("manager1", null, null, null, null, null, null)
            .withManagerStatus(new ManagerStatus(false, ManagerStatus.Reachability.REACHABLE, f.managers().getFirst())))
        .apply();
    return f.another(new Leadership() {
      @Override
      public boolean isLeader() {
        return false;
      }

      @Override
      public Optional<String> leaderId() {
        return Optional.of("manager1");
      }
    });
  }

  @Test
  void aFollowerSendsTheNodeToTheLeader() throws Exception {
    NodeCredentials a = f.joinWorker(desc);
    try (DispatcherServer followerServer = followerOfTheLeader(a)) {
      String followerAddr = "127.0.0.1:" + followerServer.port();
      BlockingQueue<List<Task>> seen = new LinkedBlockingQueue<>();
      try (DispatcherSession s = DispatcherClient.connect(List.of(followerAddr), a, () -> desc, seen::add, m -> {},
          f.clock)) {
        assertThat(ids(next(seen, l -> true))).containsExactly("a1");
        assertThat(s.manager()).contains(f.managers().getFirst());
        assertThat(s.managers()).containsExactly(f.managers().getFirst());
      }
    }
  }

  /**
   * A follower's word on who leads is followed at once, not after the failure backoff: here a
   * failure would wait an hour, so only a redirect reaches the leader within the test's wait.
   */
  @Test
  void aRedirectToTheLeaderIsNotAFailureToBackOffFrom() throws Exception {
    NodeCredentials a = f.joinWorker(desc);
    try (DispatcherServer followerServer = followerOfTheLeader(a)) {
      BlockingQueue<List<Task>> seen = new LinkedBlockingQueue<>();
      Duration hour = Duration.ofHours(1);
      try (DispatcherSession s = new DispatcherSession(List.of("127.0.0.1:" + followerServer.port()), a, () -> desc,
          seen::add, TaskLogSource.NONE, m -> {}, f.clock, hour, hour).start()) {
        assertThat(ids(next(seen, l -> true))).containsExactly("a1");
        assertThat(s.manager()).contains(f.managers().getFirst());
      }
    }
  }

  @Test
  void whenItsManagerGoesAwayTheNodeMovesToAnother() throws Exception {
    NodeCredentials a = f.joinWorker(desc);
    String idA = a.current().certificate().identity().nodeId();
    f.state.batch().create(task("a1", idA)).apply();
    try (DispatcherServer second = f.another(Leadership.ALWAYS)) {
      String first = f.managers().getFirst();
      String other = "127.0.0.1:" + second.port();
      BlockingQueue<List<Task>> seen = new LinkedBlockingQueue<>();
      try (DispatcherSession s = DispatcherClient.connect(List.of(first, other), a, () -> desc, seen::add, m -> {},
          f.clock)) {
        assertThat(ids(next(seen, l -> true))).containsExactly("a1");
        assertThat(s.manager()).contains(first);

        f.server.close();
        f.state.batch().create(task("a2", idA)).apply();
        assertThat(ids(next(seen, l -> l.size() == 2))).containsExactly("a1", "a2");
        assertThat(s.manager()).contains(other);
        s.reportStatus(Map.of("a2", new TaskStatus(f.clock.instant(), TaskState.ACCEPTED, "accepted", null)));
        assertThat(f.state.task("a2").orElseThrow().status().state()).isEqualTo(TaskState.ACCEPTED);
      }
    }
  }

  @Test
  void aNodeReportsItsOwnTasksOnlyAndOnlyForward() throws Exception {
    NodeCredentials a = f.joinWorker(desc);
    NodeCredentials b = f.joinWorker(desc);
    String idA = a.current().certificate().identity().nodeId();
    String idB = b.current().certificate().identity().nodeId();
    f.state.batch().create(task("a1", idA)).create(task("b1", idB)).apply();
    BlockingQueue<List<Task>> seen = new LinkedBlockingQueue<>();
    try (DispatcherSession s = DispatcherClient.connect(f.managers(), a, () -> desc, seen::add, m -> {}, f.clock)) {
      next(seen, l -> true);
      Instant at = f.clock.instant();
      TaskStatus running = new TaskStatus(at, TaskState.RUNNING, "started", null);

      s.reportStatus(Map.of("a1", running, "gone", running));
      assertThat(f.state.task("a1").orElseThrow().status()).isEqualTo(running);

      assertThatThrownBy(() -> s.reportStatus(Map.of("b1", running)))
          .isInstanceOf(ForbiddenException.class)
          .hasMessageContaining("task b1, which is not assigned to it");
      assertThat(f.state.task("b1").orElseThrow().status().state()).isEqualTo(TaskState.ASSIGNED);

      assertThatThrownBy(() -> s.reportStatus(Map.of("a1", new TaskStatus(at, TaskState.PREPARING, "", null))))
          .isInstanceOf(ConflictException.class)
          .hasMessageContaining("cannot move from running to preparing");
      assertThat(f.state.task("a1").orElseThrow().status()).isEqualTo(running);
    }
  }

  @Test
  void aNodeThatMissesItsHeartbeatsIsDownAndReadyWhenItReturns() throws Exception {
    NodeCredentials a = f.joinWorker(desc);
    String idA = a.current().certificate().identity().nodeId();
    BlockingQueue<List<Task>> seen = new LinkedBlockingQueue<>();
    try (DispatcherSession s = DispatcherClient.connect(f.managers(), a, () -> desc, seen::add, m -> {}, f.clock)) {
      next(seen, l -> true);
      awaitNode(idA, n -> n.status().state() == NodeState.READY);
    }
    // the node is gone: time passes beyond the grace of three periods
    f.clock.advance(DispatcherFixture.PERIOD.multipliedBy(Heartbeats.GRACE + 1));
    Node down = awaitNode(idA, n -> n.status().state() == NodeState.DOWN);
    assertThat(down.status().message()).isEqualTo(Heartbeats.DOWN_MESSAGE);

    // it comes back with a new description of its machine, which the session records
    NodeDescription now = new NodeDescription("h2", new Platform("aarch64", "linux"), null, null);
    try (DispatcherSession s = DispatcherClient.connect(f.managers(), a, () -> now, seen::add, m -> {}, f.clock)) {
      Node back = awaitNode(idA, n -> n.status().state() == NodeState.READY);
      assertThat(back.description().withTlsInfo(null)).isEqualTo(now);
    }
  }

  @Test
  void renewalGivesANewCertificateForTheSameIdInTheRoleTheStoreSays() throws Exception {
    NodeCredentials a = f.joinWorker(desc);
    NodeCredentials.Material before = a.current();
    String idA = before.certificate().identity().nodeId();
    BlockingQueue<NodeCredentials.Material> stored = new LinkedBlockingQueue<>();
    BlockingQueue<List<Task>> seen = new LinkedBlockingQueue<>();
    try (DispatcherSession s = DispatcherClient.connect(f.managers(), a, () -> desc, seen::add, stored::add, f.clock)) {
      next(seen, l -> true);
      NodeCredentials.Material renewed = s.renewNow();
      assertThat(renewed.certificate().identity().nodeId()).isEqualTo(idA);
      assertThat(renewed.certificate().identity().role()).isEqualTo(NodeRole.WORKER);
      assertThat(renewed.certificate().leaf()).isNotEqualTo(before.certificate().leaf());
      assertThat(renewed.key()).isNotEqualTo(before.key());
      assertThat(a.current()).isEqualTo(renewed);
      assertThat(stored.poll()).isEqualTo(renewed);

      // promotion in the store reaches the certificate at the next renewal
      Node n = f.state.node(idA).orElseThrow();
      f.state.batch().update(n.withSpec(new NodeSpec(null, null, NodeRole.MANAGER, null)))
          .apply();
      assertThat(s.renewNow().certificate().identity().role()).isEqualTo(NodeRole.MANAGER);
    }
  }
}
