package io.berth.cluster.scheduler;

import static io.berth.cluster.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.Placement;
import io.berth.cluster.model.Platform;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformFilterTest {
  private static NodeFilter.Check check(Platform... platforms) {
    return new PlatformFilter().prepare(group(spec().withPlacement(new Placement(null, null, 0, List.of(platforms)))));
  }

  @Test
  void anyPlatformWithoutAList() {
    assertThat(new PlatformFilter().prepare(group(spec()))).isNull();
  }

  @Test
  void matchesOneOfTheListWithDockersArchitectureAliases() {
    NodeInfo amd64 = info(node("a"));
    assertThat(check(new Platform("amd64", "linux")).accepts(amd64)).isTrue();
    assertThat(check(new Platform("arm64", "linux"), new Platform("", "linux")).accepts(amd64)).isTrue();
    assertThat(check(new Platform("arm64", "linux")).accepts(amd64)).isFalse();
    assertThat(check(new Platform("amd64", "windows")).accepts(amd64)).isFalse();
    assertThat(PlatformFilter.matches(new Platform("aarch64", ""), new Platform("arm64", "linux"))).isTrue();
    assertThat(new PlatformFilter().explain(2)).isEqualTo("unsupported platform on 2 nodes");
  }
}
