package io.berth.cluster.scheduler;

import static io.berth.cluster.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceFilterTest {
  private final ResourceFilter filter = new ResourceFilter();

  @Test
  void hasNothingToCheckWithoutReservations() {
    assertThat(filter.prepare(group(spec()))).isNull();
    assertThat(filter.prepare(group(reserving(0, 0)))).isNull();
  }

  @Test
  void refusesANodeWithoutTheReservedCpuOrMemoryFree() {
    NodeInfo n = info(node("a"));
    assertThat(filter.prepare(group(reserving(4 * CPU, 8 * GIB))).accepts(n)).isTrue();
    assertThat(filter.prepare(group(reserving(4 * CPU + 1, 0))).accepts(n)).isFalse();
    assertThat(filter.prepare(group(reserving(0, 8 * GIB + 1))).accepts(n)).isFalse();
  }

  @Test
  void countsWhatActiveTasksAlreadyReserve() {
    var running = running("t0", "other", reserving(3 * CPU, GIB), "a");
    NodeInfo n = NodeSet.of(List.of(node("a")), List.of(running)).get("a");
    assertThat(filter.prepare(group(reserving(CPU, GIB))).accepts(n)).isTrue();
    assertThat(filter.prepare(group(reserving(2 * CPU, GIB))).accepts(n)).isFalse();
    assertThat(filter.explain(2)).isEqualTo("insufficient resources on 2 nodes");
    assertThat(filter.explain(1)).isEqualTo("insufficient resources on 1 node");
  }
}
