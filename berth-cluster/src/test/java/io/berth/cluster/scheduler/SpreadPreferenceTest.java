package io.berth.cluster.scheduler;

import static io.berth.cluster.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.PlacementPreference;
import io.berth.errdefs.InvalidArgumentException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpreadPreferenceTest {
  @Test
  void readsNodeLabelsAndEmptyWhenMissing() {
    SpreadPreference zone = SpreadPreference.of(PlacementPreference.spread("node.labels.zone"));
    assertThat(zone.valueOf(info(node("a", Map.of("zone", "east"))))).isEqualTo("east");
    assertThat(zone.valueOf(info(node("b")))).isEmpty();
    assertThat(SpreadPreference.of(PlacementPreference.spread("engine.labels.rack")).engine()).isTrue();
  }

  @Test
  void refusesOtherDescriptorsByName() {
    assertThatThrownBy(() -> SpreadPreference.of(PlacementPreference.spread("node.hostname")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("invalid placement preference spread=node.hostname: the descriptor must be node.labels.<name> or engine.labels.<name>");
  }
}
