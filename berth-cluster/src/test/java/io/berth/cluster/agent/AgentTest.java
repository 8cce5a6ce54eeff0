package io.berth.cluster.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkAttachment;
import io.berth.cluster.model.NetworkSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent against an engine in memory: the statuses it reports for each task and in which
 * order, what it asks of the engine, and what it leaves alone (containers at a restart, at close).
 */
class AgentTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final FakeExecutor engine = new FakeExecutor();
  private final List<Map.Entry<String, TaskStatus>> reports = Collections.synchronizedList(new ArrayList<>());
  private Agent agent;

  @AfterEach
  void close() {
    if (agent != null) {
      agent.close();
    }
  }

  private Agent start(int workers) {
    agent = new Agent(engine, updates -> updates.forEach((id, s) -> reports.add(Map.entry(id, s))), CLOCK,
        new Agent.Settings(workers, 3, Duration.ZERO, Duration.ofMillis(20), Duration.ZERO));
    agent.start();
    return agent;
  }

  private static Task task(String id, String image, TaskState desired, TaskState status) {
    return new Task(id, null, null, null, TaskSpec.of(ContainerSpec.of(image)), "svc", 1, "node1",
        new TaskStatus(CLOCK.instant(), status, "", null), desired, null);
  }

  private static Task running(String id) {
    return task(id, "busybox", TaskState.RUNNING, TaskState.ASSIGNED);
  }

  /** The states reported for {@code id}, in order. */
  private List<String> states(String id) {
    synchronized (reports) {
      return reports.stream().filter(e -> e.getKey().equals(id)).map(e -> e.getValue().state().wire()).toList();
    }
  }

  private TaskStatus last(String id) {
    synchronized (reports) {
      return reports.stream().filter(e -> e.getKey().equals(id)).map(Map.Entry::getValue).reduce((a, b) -> b)
          .orElseThrow();
    }
  }

  /** Waits (bounded) until {@code condition}; the test then checks what it expects. */
  private static void until(BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 2000 && !condition.getAsBoolean(); i++) {
      Thread.sleep(5);
    }
  }

  private void untilState(String id, TaskState state) throws InterruptedException {
    until(() -> states(id).contains(state.wire()));
  }

  @Test
  void runsATaskThroughDockersStatesInOrder() throws Exception {
    engine.images.add("busybox");
    start(2).assigned(List.of(running("t1")));
    untilState("t1", TaskState.RUNNING);

    assertThat(states("t1")).containsExactly("accepted", "preparing", "ready", "starting", "running");
    synchronized (reports) {
      assertThat(reports.stream().filter(e -> e.getKey().equals("t1")).map(e -> e.getValue().message()))
          .containsExactly("accepted", "preparing", "prepared", "starting", "started");
    }
    TaskStatus.ContainerStatus cs = last("t1").containerStatus();
    assertThat(cs.containerId()).isEqualTo("c-t1");
    assertThat(cs.pid()).isPositive();
    assertThat(engine.calls).containsExactly("list", "pull t1", "create t1", "start c-t1");
  }

  @Test
  void anExitCompletesOrFailsTheTaskWithItsCode() throws Exception {
    engine.images.add("busybox");
    start(2).assigned(List.of(running("ok"), running("bad")));
    untilState("ok", TaskState.RUNNING);
    untilState("bad", TaskState.RUNNING);

    engine.exit("ok", 0);
    engine.exit("bad", 1);
    untilState("ok", TaskState.COMPLETE);
    untilState("bad", TaskState.FAILED);

    assertThat(last("ok").message()).isEqualTo("finished");
    assertThat(last("ok").containerStatus().exitCode()).isZero();
    TaskStatus failed = last("bad");
    assertThat(failed.err()).isEqualTo("task: non-zero exit (1)");
    assertThat(failed.message()).isEqualTo("started");
    assertThat(failed.containerStatus()).isEqualTo(new TaskStatus.ContainerStatus("c-bad", 0, 1));
    // a finished task's container stays (docker ps -a shows it) until the task is removed
    assertThat(agent.awaitIdle()).isTrue();
    assertThat(engine.containers).containsKeys("c-ok", "c-bad");
    assertThat(engine.count("start c-bad")).isEqualTo(1);
  }

  @Test
  void desiredShutdownStopsTheContainerWithTheGracePeriodAndKeepsIt() throws Exception {
    engine.images.add("busybox");
    start(2).assigned(List.of(running("t1")));
    untilState("t1", TaskState.RUNNING);

    Task graceful = new Task("t1", null, null, null,
        TaskSpec.of(ContainerSpec.of("busybox").withStopGracePeriod(Duration.ofSeconds(7).toNanos())), "svc", 1,
        "node1", null, TaskState.SHUTDOWN, null);
    agent.assigned(List.of(graceful));
    untilState("t1", TaskState.SHUTDOWN);

    assertThat(last("t1").message()).isEqualTo("shutdown");
    assertThat(last("t1").containerStatus().exitCode()).isEqualTo(143);
    assertThat(agent.awaitIdle()).isTrue();
    assertThat(engine.calls).contains("stop c-t1 7s").doesNotContain("remove c-t1");
    assertThat(states("t1")).endsWith("running", "shutdown"); // the stop's exit is not reported as a failure
  }

  @Test
  void aTaskOnANetworkLeavesEveryNodesRotationBeforeItsContainerStops() throws Exception {
    engine.images.add("busybox");
    agent = new Agent(engine, updates -> updates.forEach((id, st) -> reports.add(Map.entry(id, st))), CLOCK,
        new Agent.Settings(2, 3, Duration.ZERO, Duration.ofMillis(20), Duration.ofHours(1)));
    agent.start();
    agent.assigned(List.of(running("web"), running("plain")));
    untilState("web", TaskState.RUNNING);
    untilState("plain", TaskState.RUNNING);

    Network front = new Network("n1", null, null, null,
        new NetworkSpec("front", null, null, false, false, false, null, null), null, null);
    Task web = new Task("web", null, null, null, TaskSpec.of(ContainerSpec.of("busybox")), "svc", 1, "node1", null,
        TaskState.SHUTDOWN, null, null, List.of(new NetworkAttachment(front, List.of("10.0.1.5/24"))));
    agent.assigned(List.of(web, task("plain", "busybox", TaskState.SHUTDOWN, TaskState.RUNNING)));
    untilState("plain", TaskState.SHUTDOWN);
    assertThat(engine.calls).as("a task on no network stops at once").contains("stop c-plain");
    assertThat(agent.awaitIdle()).as("the networked task still waits").isFalse();
    assertThat(engine.calls).as("still in some node's rotation: not stopped yet").noneMatch(c -> c.startsWith("stop c-web"));
    assertThat(last("web").state()).isEqualTo(TaskState.RUNNING);
  }

  @Test
  void removeAndUnassignedTasksLoseTheirContainers() throws Exception {
    engine.images.add("busybox");
    start(2).assigned(List.of(running("gone"), running("rm")));
    untilState("gone", TaskState.RUNNING);
    untilState("rm", TaskState.RUNNING);

    agent.assigned(List.of(task("rm", "busybox", TaskState.REMOVE, TaskState.RUNNING)));
    until(() -> engine.containers.isEmpty());

    assertThat(engine.containers).isEmpty();
    assertThat(engine.calls).contains("stop c-gone", "remove c-gone", "stop c-rm", "remove c-rm");
    assertThat(states("rm")).endsWith("shutdown");
    assertThat(states("gone")).endsWith("running"); // no longer ours to report
  }

  @Test
  void aRestartedAgentAdoptsRunningContainersAndRemovesStrangersOnlyAfterTheFirstSet() throws Exception {
    engine.existing("t1", true, 0);
    engine.existing("old", true, 0);
    engine.existing("done", false, 3);
    engine.existing("seen", true, 0);
    start(2);

    assertThat(agent.awaitIdle()).isTrue();
    assertThat(engine.containers).containsKeys("c-t1", "c-old", "c-done", "c-seen"); // no session yet: nothing goes
    assertThat(reports).isEmpty();

    Task known = task("t1", "busybox", TaskState.RUNNING, TaskState.RUNNING);
    Task finishedMeanwhile = task("done", "busybox", TaskState.RUNNING, TaskState.RUNNING);
    // the managers already show this container running: nothing to tell them
    Task seen = task("seen", "busybox", TaskState.RUNNING, TaskState.RUNNING).withStatus(
        new TaskStatus(CLOCK.instant(), TaskState.RUNNING, "started", null,
            new TaskStatus.ContainerStatus("c-seen", 1, 0)));
    agent.assigned(List.of(known, finishedMeanwhile, seen));
    until(() -> !engine.containers.containsKey("c-old"));
    untilState("t1", TaskState.RUNNING);
    untilState("done", TaskState.FAILED);

    assertThat(states("t1")).containsExactly("running");
    assertThat(last("t1").containerStatus().containerId()).isEqualTo("c-t1");
    assertThat(last("done").err()).isEqualTo("task: non-zero exit (3)");
    assertThat(engine.calls).doesNotContain("start c-t1", "create t1", "pull t1");
    assertThat(engine.containers).containsKey("c-t1").doesNotContainKey("c-old");
    assertThat(agent.awaitIdle()).isTrue();
    assertThat(states("seen")).isEmpty();
    assertThat(engine.calls).doesNotContain("start c-seen");
    engine.exit("seen", 0);
    untilState("seen", TaskState.COMPLETE); // yet watched like the others

    engine.exit("t1", 0); // the adopted container is watched like any other
    untilState("t1", TaskState.COMPLETE);
    assertThat(states("t1")).containsExactly("running", "complete");
  }

  @Test
  void aMissingImageRejectsTheTask() throws Exception {
    start(2).assigned(List.of(task("t1", "nope:1", TaskState.RUNNING, TaskState.ASSIGNED)));
    untilState("t1", TaskState.REJECTED);

    assertThat(states("t1")).containsExactly("accepted", "preparing", "rejected");
    assertThat(last("t1").err()).isEqualTo("No such image: nope:1");
    assertThat(last("t1").message()).isEqualTo("preparing");
    assertThat(agent.awaitIdle()).isTrue();
    assertThat(engine.count("create t1")).isEqualTo(1); // not found is not retried
  }

  @Test
  void aSlowPullHoldsUpOnlyItsOwnTask() throws Exception {
    engine.images.add("busybox");
    CountDownLatch gate = new CountDownLatch(1);
    engine.pullGates.put("slow", gate);
    start(2).assigned(List.of(running("slow"), running("fast")));
    untilState("fast", TaskState.RUNNING);

    assertThat(states("fast")).endsWith("running");
    assertThat(states("slow")).containsExactly("accepted", "preparing");

    gate.countDown();
    untilState("slow", TaskState.RUNNING);
    assertThat(states("slow")).endsWith("running");
  }

  @Test
  void aTaskOnItsWayOutDoesNotWaitForItsPullOrItsHealth() throws Exception {
    engine.images.add("busybox");
    engine.pullGates.put("slow", new CountDownLatch(1)); // never opens
    engine.startGates.put("c-sick", new CountDownLatch(1)); // never healthy
    start(2).assigned(List.of(running("slow"), running("sick")));
    until(() -> engine.calls.contains("start c-sick"));
    until(() -> engine.calls.contains("pull slow"));

    agent.assigned(List.of(task("slow", "busybox", TaskState.SHUTDOWN, TaskState.ASSIGNED)));
    untilState("slow", TaskState.SHUTDOWN);
    until(() -> !engine.containers.containsKey("c-sick"));

    assertThat(states("slow")).containsExactly("accepted", "preparing", "shutdown"); // not rejected
    assertThat(engine.calls).contains("pull interrupted slow", "start interrupted c-sick", "remove c-sick");
    assertThat(states("sick")).containsExactly("accepted", "preparing", "ready", "starting");
  }

  @Test
  void temporaryFailuresAreRetriedABoundedNumberOfTimes() throws Exception {
    engine.images.add("busybox");
    engine.createFailures.set(2);
    start(2).assigned(List.of(running("t1")));
    untilState("t1", TaskState.RUNNING);
    assertThat(engine.count("create t1")).isEqualTo(3);

    engine.createFailures.set(100);
    agent.assigned(List.of(running("t1"), running("t2")));
    untilState("t2", TaskState.REJECTED);
    assertThat(engine.count("create t2")).isEqualTo(3);
    assertThat(last("t2").err()).isEqualTo("the disk is busy");
  }

  @Test
  void aStatusNeverMovesBackwards() throws Exception {
    engine.images.add("busybox");
    start(2).assigned(List.of(running("t1")));
    untilState("t1", TaskState.RUNNING);
    int before = reports.size();

    // the manager has not seen our reports yet: its copy still says assigned
    agent.assigned(List.of(running("t1")));
    assertThat(agent.awaitIdle()).isTrue();
    assertThat(reports).hasSize(before);
    assertThat(engine.count("create t1")).isEqualTo(1);

    // running on the manager, but the container is gone from this node: failed, never started again
    agent.assigned(List.of(running("t1"), task("lost", "busybox", TaskState.RUNNING, TaskState.RUNNING)));
    untilState("lost", TaskState.FAILED);
    assertThat(states("lost")).containsExactly("failed");
    assertThat(engine.calls).doesNotContain("create lost");
  }

  @Test
  void aContainerThatCannotBeWatchedFailsItsTaskInsteadOfStoppingTheAgent() throws Exception {
    engine.images.add("busybox");
    engine.existing("t1", true, 0);
    engine.vanished.add("c-t1");
    start(2).assigned(List.of(task("t1", "busybox", TaskState.RUNNING, TaskState.RUNNING), running("t2")));
    untilState("t1", TaskState.FAILED);
    untilState("t2", TaskState.RUNNING);

    assertThat(states("t1")).containsExactly("failed");
    assertThat(last("t1").err()).isEqualTo("task: the task's container is gone from this node");
    assertThat(engine.calls).doesNotContain("start c-t1");
  }

  @Test
  void anUnhealthyContainerFailsItsTaskWithTheEnginesReason() throws Exception {
    engine.images.add("busybox");
    engine.unhealthy.add("c-never");
    start(2).assigned(List.of(running("never"), running("later")));
    untilState("never", TaskState.FAILED);
    untilState("later", TaskState.RUNNING);

    // unhealthy before it counted as started: the task never ran
    assertThat(states("never")).containsExactly("accepted", "preparing", "ready", "starting", "failed");
    assertThat(last("never").err()).isEqualTo("task: non-zero exit (143): unhealthy container");
    assertThat(last("never").message()).isEqualTo("starting");
    assertThat(last("never").containerStatus().exitCode()).isEqualTo(143);
    assertThat(engine.count("start c-never")).isEqualTo(1); // an exit, not a failure to retry

    engine.exit("later", 137, "unhealthy container"); // turned unhealthy while running
    untilState("later", TaskState.FAILED);
    assertThat(last("later").err()).isEqualTo("task: non-zero exit (137): unhealthy container");
    assertThat(last("later").message()).isEqualTo("started");
  }

  @Test
  void aFailedReportIsSentAgain() throws Exception {
    engine.images.add("busybox");
    AtomicInteger refusals = new AtomicInteger(1);
    agent = new Agent(engine, updates -> {
      if (refusals.getAndDecrement() > 0) {
        throw new IllegalStateException("no session");
      }
      updates.forEach((id, s) -> reports.add(Map.entry(id, s)));
    }, CLOCK, new Agent.Settings(2, 3, Duration.ZERO, Duration.ofMillis(20), Duration.ZERO));
    agent.start();
    agent.assigned(List.of(running("t1")));
    untilState("t1", TaskState.RUNNING);
    assertThat(states("t1")).endsWith("running");
  }

  @Test
  void theStatusesOfManyTasksGoTogetherEachStillInOrder() throws Exception {
    engine.images.add("busybox");
    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    agent = new Agent(engine, updates -> {
      sizes.add(updates.size());
      updates.forEach((id, s) -> reports.add(Map.entry(id, s)));
    }, CLOCK, new Agent.Settings(4, 3, Duration.ZERO, Duration.ofMillis(20), Duration.ZERO));
    agent.start();
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tasks.add(running("t" + i));
    }
    agent.assigned(tasks);
    for (int i = 0; i < 20; i++) {
      untilState("t" + i, TaskState.RUNNING);
    }

    for (int i = 0; i < 20; i++) {
      assertThat(states("t" + i)).containsExactly("accepted", "preparing", "ready", "starting", "running");
    }
    // the first pass accepts all twenty at once: one report, not twenty round trips to the leader
    assertThat(sizes).contains(20);
    assertThat(sizes.size()).isLessThan(100);
  }

  @Test
  void theDefaultSettingsRunTheStepsOfManyTasksAtOnce() throws Exception {
    // steps mostly wait (a stop sits out its grace period, a pull on a registry): twenty tasks of
    // a node must not queue behind a handful of them
    engine.images.add("busybox");
    CountDownLatch gate = new CountDownLatch(1);
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      engine.pullGates.put("t" + i, gate);
      tasks.add(running("t" + i));
    }
    agent = new Agent(engine, updates -> updates.forEach((id, s) -> reports.add(Map.entry(id, s))), CLOCK,
        Agent.Settings.DEFAULT);
    agent.start();
    agent.assigned(tasks);
    until(() -> engine.calls.stream().filter(c -> c.startsWith("pull ")).count() == 20);
    try {
      assertThat(engine.calls.stream().filter(c -> c.startsWith("pull ")).count()).isEqualTo(20);
    } finally {
      gate.countDown();
    }
  }

  @Test
  void aReportTheManagerRefusesHoldsBackOnlyItsOwnTask() throws Exception {
    engine.images.add("busybox");
    agent = new Agent(engine, updates -> {
      if (updates.containsKey("bad")) {
        throw new io.berth.errdefs.ConflictException("task bad: state cannot move");
      }
      updates.forEach((id, s) -> reports.add(Map.entry(id, s)));
    }, CLOCK, new Agent.Settings(2, 3, Duration.ZERO, Duration.ofMillis(20), Duration.ZERO));
    agent.start();
    agent.assigned(List.of(running("bad"), running("good")));
    untilState("good", TaskState.RUNNING);

    assertThat(states("good")).containsExactly("accepted", "preparing", "ready", "starting", "running");
    assertThat(states("bad")).isEmpty();
  }

  @Test
  void closeLeavesTheContainersRunning() throws Exception {
    engine.images.add("busybox");
    start(2).assigned(List.of(running("t1")));
    untilState("t1", TaskState.RUNNING);
    agent.close();

    assertThat(engine.containers.get("c-t1").state).isEqualTo(TaskContainer.State.RUNNING);
    assertThat(engine.calls).noneMatch(c -> c.startsWith("stop") || c.startsWith("remove"));
  }

  @Test
  void logsComeFromTheTasksContainer() throws Exception {
    engine.images.add("busybox");
    start(1).assigned(List.of(running("t1")));
    untilState("t1", TaskState.RUNNING);
    List<String> lines = new ArrayList<>();
    agent.logs("t1", TaskLogQuery.ALL, e -> lines.add(new String(e.data())));
    assertThat(lines).containsExactly("hi\n");
  }
}
