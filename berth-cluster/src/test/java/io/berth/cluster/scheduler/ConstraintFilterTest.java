package io.berth.cluster.scheduler;

import static io.berth.cluster.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstraintFilterTest {
  private final ConstraintFilter filter = new ConstraintFilter();

  @Test
  void everyConstraintMustHold() {
    NodeInfo east = info(node("a", Map.of("zone", "east")));
    assertThat(filter.prepare(group(spec()))).isNull();
    assertThat(filter.prepare(group(constrained("node.labels.zone==east", "node.role==worker"))).accepts(east)).isTrue();
    assertThat(filter.prepare(group(constrained("node.labels.zone==east", "node.role==manager"))).accepts(east)).isFalse();
  }

  @Test
  void refusesAMalformedConstraintWhenPrepared() {
    assertThatThrownBy(() -> filter.prepare(group(constrained("node.role~worker"))))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("expected one operator");
    assertThat(filter.explain(1)).isEqualTo("scheduling constraints not satisfied on 1 node");
  }
}
