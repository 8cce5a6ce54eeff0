package io.berth.cluster.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The loops on their threads over a store: they converge on their own (each wait below is a
 * bound that fails the test with what was seen, not a measurement), and close stops them.
 */
class ManagerLoopsTest {
  private final TestCluster c = new TestCluster();

  @Test
  void loopsPlaceAServiceScaleItDownAndReapTheStoppedTasks() throws Exception {
    c.addNode("n1");
    c.addNode("n2");
    c.addNode("n3");
    try (ManagerLoops loops = new ManagerLoops(c.state, c.clock, Duration.ofMillis(50))) {
      loops.start();
      c.createService("web", ServiceMode.ofReplicated(3));
      awaitTasks("three tasks assigned on three nodes", ts -> ts.size() == 3
          && ts.stream().allMatch(t -> t.status().state() == TaskState.ASSIGNED)
          && ts.stream().map(Task::nodeId).distinct().count() == 3);

      c.runAssigned();
      retryOnConflict(() -> c.updateService("web", ServiceMode.ofReplicated(1)));
      awaitTasks("slots 2 and 3 desired remove", ts -> ts.stream().filter(t -> t.desiredState() == TaskState.REMOVE)
          .map(Task::slot).sorted().toList().equals(List.of(2L, 3L)));
      for (Task t : c.tasks(TaskState.REMOVE)) {
        retryOnConflict(() -> c.report(t.id(), TaskState.SHUTDOWN));
      }
      awaitTasks("the stopped tasks reaped", ts -> ts.size() == 1 && ts.getFirst().slot() == 1);
    }
    long index = c.state.store().index();
    c.createService("later", ServiceMode.ofReplicated(1));
    assertThat(c.state.store().awaitIndex(index + 1, Duration.ofMillis(200))).isEqualTo(index + 1);
    assertThat(c.state.tasksOfService("later")).as("closed loops make nothing").isEmpty();
  }

  /** Waits for the store to move until {@code done} holds, at most 10 s. */
  private void awaitTasks(String what, Predicate<List<Task>> done) throws InterruptedException {
    long index = c.state.store().index();
    for (int i = 0; i < 200; i++) {
      List<Task> ts = c.tasks();
      if (done.test(ts)) {
        return;
      }
      index = c.state.store().awaitIndex(index, Duration.ofMillis(50));
    }
    throw new AssertionError("loops did not reach: " + what + "; tasks: " + c.tasks());
  }

  /** A test writer races the loops like any other: a stale read costs a retry. */
  private static void retryOnConflict(Runnable write) {
    for (int i = 0; ; i++) {
      try {
        write.run();
        return;
      } catch (io.berth.errdefs.ConflictException e) {
        if (i == 20) {
          throw e;
        }
      }
    }
  }
}
