package io.berth.cluster.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.overlay.Balancing;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceBalancingTest {
  @Test
  void theLabelNamesTheAlgorithmAndAnythingElseIsRefusedNamingTheLabel() {
    assertThat(ServiceBalancing.of(Map.of())).isEqualTo(Balancing.ROUND_ROBIN);
    assertThat(ServiceBalancing.of(null)).isEqualTo(Balancing.ROUND_ROBIN);
    assertThat(ServiceBalancing.of(Map.of("io.berth.lb", "leastconn"))).isEqualTo(Balancing.LEAST_CONNECTIONS);
    assertThat(ServiceBalancing.of(Map.of("io.berth.lb", "roundrobin"))).isEqualTo(Balancing.ROUND_ROBIN);
    assertThatThrownBy(() -> ServiceBalancing.of(Map.of("io.berth.lb", "source")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("label io.berth.lb: unknown load-balancing algorithm \"source\" (roundrobin or leastconn)");
    assertThatThrownBy(() -> ServiceBalancing.of(Map.of("io.berth.lb", "")))
        .hasMessageContaining("label io.berth.lb is empty");
    assertThat(ServiceBalancing.orRoundRobin(Map.of("io.berth.lb", "source"))).isEqualTo(Balancing.ROUND_ROBIN);
  }
}
