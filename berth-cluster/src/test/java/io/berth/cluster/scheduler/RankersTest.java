package io.berth.cluster.scheduler;

import static io.berth.cluster.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankersTest {
  private final NodeSet set = NodeSet.of(List.of(node("a"), node("b")), List.of(
      running("t1", "svc", spec(), "a"),
      running("t2", "x", spec(), "b"), running("t3", "x", spec(), "b")));

  @Test
  void serviceSpreadPrefersTheNodeWithFewerOfTheServicesTasks() {
    var order = new ServiceSpreadRanker().order(group(spec()));
    assertThat(order.compare(set.get("b"), set.get("a"))).isNegative();
  }

  @Test
  void leastLoadedPrefersTheNodeWithFewerTasksInAll() {
    var order = new LeastLoadedRanker().order(group(spec()));
    assertThat(order.compare(set.get("a"), set.get("b"))).isNegative();
  }

  @Test
  void aFinishedTaskHoldsNothing() {
    var done = running("t4", "svc", reserving(4 * CPU, 0), "a")
        .withStatus(new io.berth.cluster.model.TaskStatus(null, io.berth.cluster.model.TaskState.COMPLETE, null, null));
    NodeInfo a = NodeSet.of(List.of(node("a")), List.of(done)).get("a");
    assertThat(a.totalTasks()).isZero();
    assertThat(a.freeNanoCpus()).isEqualTo(4 * CPU);
  }
}
