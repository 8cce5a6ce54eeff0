package io.berth.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which of up's container steps may run side by side. */
class StepLevelsTest {
  @TempDir Path dir;

  private Project load(String yaml) throws Exception {
    Path d = Files.createDirectories(dir.resolve("shop"));
    Files.writeString(d.resolve("compose.yaml"), yaml);
    return ProjectLoader.load(new ProjectLoader.Options(List.of(), null, List.of(), null, d, Map.of()));
  }

  private static List<List<List<String>>> described(List<List<List<Step>>> levels) {
    return levels.stream().map(l -> l.stream().map(lane -> lane.stream().map(Step::describe).toList()).toList()).toList();
  }

  @Test
  void independentServicesShareALevelAndDependentsComeAfterTheirDependencies() throws Exception {
    Project p = load("""
        services:
          gateway: {image: g, depends_on: [catalog]}
          catalog:
            image: c
            deploy: {replicas: 2}
            depends_on: {config: {condition: service_healthy}, migrate: {condition: service_completed_successfully}}
          config: {image: k, healthcheck: {test: "true"}}
          migrate: {image: m}
          docs: {image: d}
        """);
    Observed seen = new Observed(Set.of(), Set.of(), Map.of(), List.of(
        new Observed.Existing("o1", "shop-old-1", "old", 1, "h", "sha256:x", true, false)));
    Planner.Options up = new Planner.Options(List.of(), Map.of(), false, Planner.BuildPolicy.NEVER, false, true, true, null);
    assertThat(described(StepLevels.of(p, Planner.containers(p, up, seen)))).containsExactly(
        List.of(List.of("remove container shop-old-1 (orphan)"),
            List.of("create container shop-config-1 and start it"),
            List.of("create container shop-migrate-1 and start it"),
            List.of("create container shop-docs-1 and start it")),
        List.of(List.of("wait for config (service_healthy) before catalog",
            "wait for migrate (service_completed_successfully) before catalog",
            "create container shop-catalog-1 and start it", "create container shop-catalog-2 and start it")),
        List.of(List.of("create container shop-gateway-1 and start it")));
    Set<String> all = Set.copyOf(p.serviceNames());
    assertThat(StepLevels.depth(p, "gateway", all)).isEqualTo(2);
    assertThat(StepLevels.depth(p, "gateway", Set.of("gateway", "catalog"))).isEqualTo(1);
    assertThat(StepLevels.depth(p, "docs", all)).isZero();
  }

  @Test
  void aDependencyLeftOutOfThePlanDoesNotRaiseTheLevel() throws Exception {
    Project p = load("services:\n  a: {image: a, depends_on: [b]}\n  b: {image: b}\n");
    Planner.Options noDeps = new Planner.Options(List.of("a"), Map.of(), true, Planner.BuildPolicy.NEVER, false, true, false, null);
    assertThat(described(StepLevels.of(p, Planner.containers(p, noDeps, Observed.empty()))))
        .containsExactly(List.of(List.of("create container shop-a-1 and start it")));
  }
}
