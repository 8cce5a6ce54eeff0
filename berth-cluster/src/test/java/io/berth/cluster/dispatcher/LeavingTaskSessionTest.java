package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.allocator.AllocationPass;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.control.NetworkControl;
import io.berth.cluster.control.ServiceControl;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.EndpointSpec;
import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.NetworkSpec;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.Platform;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.orchestrator.Orchestration;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Over real sessions: a task told to shut down reaches its node as such only once the other
 * node, whose rules still sent it connections, acknowledged rules without it.
 */
class LeavingTaskSessionTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final DispatcherFixture f = new DispatcherFixture();
  private final NodeDescription desc = new NodeDescription("h", new Platform("x86_64", "linux"), null, null);

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void theLeavingTasksNodeHearsOfItsShutdownOnlyOnceTheOtherNodeDroppedIt() throws Exception {
    NodeCredentials a = f.joinWorker(desc);
    NodeCredentials b = f.joinWorker(desc);
    String idA = a.current().certificate().identity().nodeId();
    String idB = b.current().certificate().identity().nodeId();
    new NetworkControl(f.state, f.clock).create(new NetworkSpec("front", null, null, false, false, false, null, null));
    TaskSpec template = TaskSpec.of(ContainerSpec.of("web:1"))
        .withNetworks(List.of(new NetworkAttachmentConfig("front", List.of(), null)));
    var service = new ServiceControl(f.state, f.clock).create(new ServiceSpec("web", null, template,
        ServiceMode.ofReplicated(2), new EndpointSpec("vip", List.of())), null);
    settle();
    Orchestration.pass(f.state.snapshot(), f.clock.instant()).apply(f.state);
    settle();
    List<Task> tasks = f.state.tasksOfService(service.id()).stream().sorted(Comparator.comparingLong(Task::slot)).toList();
    f.state.batch()
        .update(tasks.get(0).withNode(idA).withStatus(new TaskStatus(f.clock.instant(), TaskState.RUNNING, "", null)))
        .update(tasks.get(1).withNode(idB).withStatus(new TaskStatus(f.clock.instant(), TaskState.RUNNING, "", null)))
        .apply();
    String leaving = tasks.get(0).id();

    BlockingQueue<List<Task>> seenByA = new LinkedBlockingQueue<>();
    AtomicInteger viewsOnB = new AtomicInteger();
    CountDownLatch bBusy = new CountDownLatch(1);
    CountDownLatch releaseB = new CountDownLatch(1);
    try (DispatcherSession sa = DispatcherClient.connect(f.managers(), a, () -> desc, seenByA::add, m -> {}, f.clock);
        DispatcherSession sb = DispatcherClient.connect(f.managers(), b, () -> desc, l -> {}, m -> {}, f.clock)) {
      sb.onNetworks(view -> {
        if (viewsOnB.incrementAndGet() > 1 && view.networks().stream().flatMap(n -> n.services().stream())
            .noneMatch(r -> r.tasks().size() == 2)) {
          bBusy.countDown(); // the view without the leaving task: node B is slow to apply it
          await(releaseB);
        }
      });
      awaitSet(seenByA, l -> l.stream().anyMatch(t -> t.id().equals(leaving)));
      long until = System.nanoTime() + WAIT.toNanos();
      while (viewsOnB.get() == 0 && System.nanoTime() < until) {
        Thread.sleep(10); // B applied (and acknowledged) a view naming both tasks
      }

      Task stored = f.state.task(leaving).orElseThrow();
      f.state.batch().update(stored.withDesiredState(TaskState.SHUTDOWN)).apply();
      assertThat(bBusy.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("B got the view without the task").isTrue();
      // while B applies, A keeps hearing the task is to run (bounded look: a second of sets)
      long look = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < look) {
        List<Task> set = seenByA.poll(100, TimeUnit.MILLISECONDS);
        if (set != null) {
          assertThat(desired(set, leaving)).as("told to A while B's rules still name it").isEqualTo(TaskState.RUNNING);
        }
      }
      releaseB.countDown();
      awaitSet(seenByA, l -> desired(l, leaving) == TaskState.SHUTDOWN);
    }
  }

  private static TaskState desired(List<Task> set, String id) {
    return set.stream().filter(t -> t.id().equals(id)).map(Task::desiredState).findFirst().orElse(null);
  }

  private static void awaitSet(BlockingQueue<List<Task>> q, java.util.function.Predicate<List<Task>> wanted)
      throws InterruptedException {
    DispatcherFixture.awaitSet(q, wanted, WAIT);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void settle() {
    AllocationPass pass = new AllocationPass(f.clock);
    for (int i = 0; i < 10; i++) {
      var plan = pass.pass(f.state.snapshot());
      if (plan.isEmpty()) {
        return;
      }
      plan.apply(f.state);
    }
    throw new AssertionError("the allocator did not settle in 10 passes");
  }
}
