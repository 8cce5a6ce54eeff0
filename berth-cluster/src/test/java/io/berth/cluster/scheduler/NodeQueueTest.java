package io.berth.cluster.scheduler;

import static io.berth.cluster.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeQueueTest {
  @Test
  void keepsTheLeastLoadedNodeAtTheHeadAsTasksAreAdded() {
    List<io.berth.cluster.model.Node> nodes = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      nodes.add(node("n" + i));
    }
    NodeSet set = NodeSet.of(nodes, List.of());
    NodeQueue q = new NodeQueue(set.all(),
        Comparator.comparingInt(NodeInfo::totalTasks).thenComparingInt(NodeInfo::order));
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      NodeInfo head = q.peek();
      picks.add(head.id());
      head.add("s", Resources.NONE, List.of());
      q.headChanged();
    }
    assertThat(picks).containsExactly("n0", "n1", "n2", "n3", "n4", "n5", "n6", "n0", "n1", "n2", "n3", "n4", "n5", "n6");
    for (int i = 0; i < 7; i++) {
      q.dropHead();
    }
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.peek()).isNull();
  }
}
