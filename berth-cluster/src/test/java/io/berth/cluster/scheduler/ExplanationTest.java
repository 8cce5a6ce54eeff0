package io.berth.cluster.scheduler;

import static io.berth.cluster.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplanationTest {
  private final List<NodeFilter> filters = List.of(new ReadyFilter(), new ResourceFilter(), new ConstraintFilter());

  private List<NodeFilter.Check> checks(TaskGroup g) {
    List<NodeFilter.Check> out = new ArrayList<>();
    for (NodeFilter f : filters) {
      out.add(f.prepare(g));
    }
    return out;
  }

  @Test
  void countsEachNodeOnceByItsFirstFailureMostFirstTiesInPipelineOrder() {
    TaskGroup g = group(reserving(5 * CPU, 0).withPlacement(
        new io.berth.cluster.model.Placement(List.of("node.role==manager"), null, 0, null)));
    // a is down, too small and a worker: counted once, as not available; b and c are too small
    List<NodeInfo> nodes = NodeSet.of(List.of(down(node("a")), node("b"), node("c")), List.of()).all();
    assertThat(Explanation.of(filters, checks(g), nodes))
        .isEqualTo("no suitable node (insufficient resources on 2 nodes; 1 node not available for new tasks)");
    List<NodeInfo> tie = NodeSet.of(List.of(down(node("a")), node("b")), List.of()).all();
    assertThat(Explanation.of(filters, checks(g), tie))
        .isEqualTo("no suitable node (1 node not available for new tasks; insufficient resources on 1 node)");
    assertThat(Explanation.reasons(filters, checks(group(spec())), List.of(info(node("z"))))).isEmpty();
  }
}
