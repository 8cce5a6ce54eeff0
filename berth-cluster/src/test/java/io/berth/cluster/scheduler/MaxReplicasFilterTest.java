package io.berth.cluster.scheduler;

import static io.berth.cluster.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.Placement;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaxReplicasFilterTest {
  @Test
  void countsOnlyTheServicesOwnActiveTasks() {
    assertThat(new MaxReplicasFilter().prepare(group(spec()))).isNull();
    var spec = spec().withPlacement(new Placement(null, null, 2, null));
    NodeSet set = NodeSet.of(List.of(node("a")),
        List.of(running("t1", "svc", spec, "a"), running("t2", "other", spec, "a"),
            running("t3", "other", spec, "a")));
    NodeFilter.Check check = new MaxReplicasFilter().prepare(group(spec));
    assertThat(check.accepts(set.get("a"))).isTrue();
    set.get("a").add("svc", io.berth.cluster.model.Resources.NONE, List.of());
    assertThat(check.accepts(set.get("a"))).isFalse();
    assertThat(new MaxReplicasFilter().explain(3)).isEqualTo("max replicas per node limit exceed");
  }
}
