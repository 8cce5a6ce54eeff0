package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.ca.keys.SecretsKey;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.control.PayloadControl;
import io.berth.cluster.control.PayloadKind;
import io.berth.cluster.model.ConfigReference;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.FileTarget;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.Payload;
import io.berth.cluster.model.PayloadSpec;
import io.berth.cluster.model.Platform;
import io.berth.cluster.model.SecretReference;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Over real sessions: a secret's payload goes, in clear, only to the node whose assigned task
 * names it, never to another node, and leaves that node's set once no task there needs it.
 */
class SecretDeliveryTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final DispatcherFixture f = new DispatcherFixture();
  private final NodeDescription desc = new NodeDescription("h", new Platform("x86_64", "linux"), null, null);

  @AfterEach
  void close() {
    f.close();
  }

  private Task task(String id, String node, ContainerSpec spec, TaskState state) {
    Instant at = f.clock.instant();
    return new Task(id, null, at, at, TaskSpec.of(spec), "svc", 1, node,
        new TaskStatus(at, state, "", null), TaskState.RUNNING, null);
  }

  /** What a node held after each assignment set it was given (read on the delivery thread). */
  private record Seen(List<String> tasks, java.util.Set<String> secrets, java.util.Set<String> configs) {}

  private static Seen next(BlockingQueue<Seen> q, Predicate<Seen> wanted) throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < until) {
      Seen got = q.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (got != null && wanted.test(got)) {
        return got;
      }
    }
    throw new AssertionError("no assignment set as wanted within " + WAIT);
  }

  @Test
  void onlyTheNodeRunningATaskThatNamesTheSecretEverHoldsIt() throws Exception {
    f.state.useSecretsKey(SecretsKey.generate());
    Payload pw = new PayloadControl(f.state, PayloadKind.SECRET, f.clock).create(new PayloadSpec("pw", Map.of(),
        "hunter2".getBytes(StandardCharsets.UTF_8), null, null));
    Payload conf = new PayloadControl(f.state, PayloadKind.CONFIG, f.clock).create(new PayloadSpec("app.conf",
        Map.of(), "port=80".getBytes(StandardCharsets.UTF_8), null, null));
    NodeCredentials a = f.joinWorker(desc);
    NodeCredentials b = f.joinWorker(desc);
    String idA = a.current().certificate().identity().nodeId();
    String idB = b.current().certificate().identity().nodeId();
    ContainerSpec withSecret = new ContainerSpec("busybox:1", null, null, null, null, null, null, null, null, null,
        null, null, List.of(new SecretReference(new FileTarget("x", "0", "0", 0400), pw.id(), "pw")),
        List.of(new ConfigReference(new FileTarget("/app.conf", "0", "0", 0444), conf.id(), "app.conf")));
    f.state.batch().create(task("b1", idB, ContainerSpec.of("busybox:1"), TaskState.ASSIGNED)).apply();

    ReceivedPayloads heldByA = new ReceivedPayloads();
    ReceivedPayloads heldByB = new ReceivedPayloads();
    BlockingQueue<Seen> seenByA = new LinkedBlockingQueue<>();
    List<Seen> seenByB = new CopyOnWriteArrayList<>();
    try (DispatcherSession sa = DispatcherClient.connect(f.managers(), a, () -> desc,
            t -> seenByA.add(new Seen(t.stream().map(Task::id).toList(), heldByA.secretIds(), heldByA.configIds())),
            m -> {}, f.clock);
        DispatcherSession sb = DispatcherClient.connect(f.managers(), b, () -> desc,
            t -> seenByB.add(new Seen(t.stream().map(Task::id).toList(), heldByB.secretIds(), heldByB.configIds())),
            m -> {}, f.clock)) {
      sa.payloadsInto(heldByA);
      sb.payloadsInto(heldByB);
      next(seenByA, s -> s.tasks().isEmpty());

      f.state.batch().create(task("a1", idA, withSecret, TaskState.ASSIGNED)).apply();
      Seen withTask = next(seenByA, s -> s.tasks().contains("a1"));
      assertThat(withTask.secrets()).containsExactly(pw.id());
      assertThat(withTask.configs()).containsExactly(conf.id());
      assertThat(heldByA.secret(pw.id()).orElseThrow().data()).isEqualTo("hunter2".getBytes(StandardCharsets.UTF_8));

      // the task ends: its node forgets the payloads with the next set, though the task is still listed
      Task ran = f.state.task("a1").orElseThrow();
      f.state.batch().update(ran.withStatus(new TaskStatus(f.clock.instant(), TaskState.COMPLETE, "done", null)))
          .apply();
      Seen ended = next(seenByA, s -> s.secrets().isEmpty());
      assertThat(ended.tasks()).contains("a1");
      assertThat(ended.configs()).isEmpty();

      // b's session is alive (a new task of its own reaches it), and no set it was given held a payload
      f.state.batch().create(task("b2", idB, ContainerSpec.of("busybox:1"), TaskState.ASSIGNED)).apply();
      long until = System.nanoTime() + WAIT.toNanos();
      while (seenByB.stream().noneMatch(s -> s.tasks().contains("b2")) && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(seenByB).isNotEmpty().anySatisfy(s -> assertThat(s.tasks()).contains("b2"));
      assertThat(seenByB).allSatisfy(s -> {
        assertThat(s.secrets()).isEmpty();
        assertThat(s.configs()).isEmpty();
      });
      assertThat(heldByB.secret(pw.id())).isEmpty();
    }
  }

  @Test
  void theSelectionKeepsOnlyTasksThatHaveNotEnded() {
    ContainerSpec spec = ContainerSpec.of("busybox:1");
    assertThat(NodePayloads.needsPayloads(task("t", "n", spec, TaskState.ASSIGNED))).isTrue();
    assertThat(NodePayloads.needsPayloads(task("t", "n", spec, TaskState.RUNNING))).isTrue();
    assertThat(NodePayloads.needsPayloads(task("t", "n", spec, TaskState.PENDING))).isFalse();
    assertThat(NodePayloads.needsPayloads(task("t", "n", spec, TaskState.FAILED))).isFalse();
    assertThat(NodePayloads.needsPayloads(task("t", "n", spec, TaskState.SHUTDOWN))).isFalse();
  }
}
