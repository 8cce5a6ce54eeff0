package io.berth.cluster.scheduler;

import static io.berth.cluster.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.NodeAvailability;
import org.junit.jupiter.api.Test;

class ReadyFilterTest {
  private final NodeFilter.Check check = new ReadyFilter().prepare(group(spec()));

  @Test
  void onlyReadyActiveNodesTakeTasks() {
    assertThat(check.accepts(info(node("a")))).isTrue();
    assertThat(check.accepts(info(down(node("a"))))).isFalse();
    assertThat(check.accepts(info(withAvailability(node("a"), NodeAvailability.PAUSE)))).isFalse();
    assertThat(check.accepts(info(withAvailability(node("a"), NodeAvailability.DRAIN)))).isFalse();
  }

  @Test
  void explainsInSwarmkitsWords() {
    assertThat(new ReadyFilter().explain(1)).isEqualTo("1 node not available for new tasks");
    assertThat(new ReadyFilter().explain(3)).isEqualTo("3 nodes not available for new tasks");
  }
}
