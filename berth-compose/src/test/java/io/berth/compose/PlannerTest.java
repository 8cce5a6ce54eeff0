package io.berth.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order and content of {@code up}'s engine calls, from a project and what the engine holds. */
class PlannerTest {
  private static final String SHOP = """
      services:
        gateway:
          image: shop/gateway
          depends_on: [catalog]
          ports: ["8080:8080"]
        catalog:
          image: shop/catalog
          deploy: {replicas: 2}
          depends_on:
            config: {condition: service_healthy}
            migrate: {condition: service_completed_successfully}
          networks: [back, front]
        config:
          build: ./config
          healthcheck: {test: "true"}
          networks: [back]
        migrate:
          image: shop/migrate
          networks: [back]
      networks:
        back: {}
        front: {}
        outside: {external: true}
      volumes:
        data: {}
      """;
  @TempDir Path dir;

  private Project load(String yaml) throws Exception {
    Path d = Files.createDirectories(dir.resolve("shop"));
    Files.writeString(d.resolve("compose.yaml"), yaml);
    return ProjectLoader.load(new ProjectLoader.Options(List.of(), null, List.of(), null, d, Map.of()));
  }

  private static List<String> lines(List<Step> steps) {
    return steps.stream().map(Step::describe).toList();
  }

  @Test
  void freshProjectNetworksAndVolumesThenImagesThenContainersDependenciesFirst() throws Exception {
    Project p = load(SHOP);
    Observed none = new Observed(Set.of("outside"), Set.of(), Map.of(), List.of());
    assertThat(lines(Planner.prepare(p, Planner.Options.up(), none))).containsExactly(
        "create network shop_back",
        "create network shop_front",
        "create network shop_default",
        "create volume shop_data",
        "build shop-config for service config",
        "pull shop/migrate for service migrate",
        "pull shop/catalog for service catalog",
        "pull shop/gateway for service gateway");
    assertThat(lines(Planner.containers(p, Planner.Options.up(), none))).containsExactly(
        "create container shop-config-1 and start it",
        "create container shop-migrate-1 and start it",
        "wait for config (service_healthy) before catalog",
        "wait for migrate (service_completed_successfully) before catalog",
        "create container shop-catalog-1 and start it",
        "create container shop-catalog-2 and start it",
        "create container shop-gateway-1 and start it");
  }

  @Test
  void presentImagesAreNeitherPulledNorBuiltUnlessAsked() throws Exception {
    Project p = load(SHOP);
    Observed all = new Observed(Set.of("shop_back", "shop_front", "shop_default", "outside"), Set.of("shop_data"),
        Map.of("shop-config", "sha256:c", "shop/migrate", "sha256:m", "shop/catalog", "sha256:k", "shop/gateway", "sha256:g"),
        List.of());
    assertThat(Planner.prepare(p, Planner.Options.up(), all)).isEmpty();
    Planner.Options build = new Planner.Options(List.of(), Map.of(), false, Planner.BuildPolicy.ALWAYS, false, true, false, null);
    assertThat(lines(Planner.prepare(p, build, all))).containsExactly("build shop-config for service config");
  }

  @Test
  void aNetworkWhoseDefinitionChangedIsMadeAgainAfterTheContainersOnIt() throws Exception {
    Project before = load(SHOP);
    String backHash = before.networkHash("back");
    Project p = load(SHOP.replace("  back: {}", "  back: {internal: true}"));
    assertThat(p.networkHash("back")).isNotEqualTo(backHash);
    assertThat(p.networkHash("front")).isEqualTo(before.networkHash("front"));
    List<Observed.Existing> running = List.of(
        new Observed.Existing("c1", "shop-catalog-1", "catalog", 1, "h", "sha256:k", true, false),
        new Observed.Existing("g1", "shop-gateway-1", "gateway", 1, "h", "sha256:g", true, false),
        new Observed.Existing("m1", "shop-migrate-1", "migrate", 1, "h", "sha256:m", false, false));
    Map<String, String> images = Map.of("shop-config", "sha256:c", "shop/migrate", "sha256:m", "shop/catalog", "sha256:k",
        "shop/gateway", "sha256:g");
    Set<String> networks = Set.of("shop_back", "shop_front", "shop_default", "outside");
    Observed seen = new Observed(networks, Set.of("shop_data"), images, running,
        Map.of("shop_back", backHash, "shop_front", before.networkHash("front"), "shop_default", before.networkHash("default")));
    // only the containers of services on the changed network go (config has none yet)
    assertThat(lines(Planner.prepare(p, Planner.Options.up(), seen))).containsExactly(
        "remove container shop-catalog-1 (changed)",
        "remove container shop-migrate-1 (changed)",
        "remove network shop_back (changed)",
        "create network shop_back");
    // unchanged, or made without a hash label (before Berth set one): left alone
    assertThat(Planner.prepare(p, Planner.Options.up(), new Observed(networks, Set.of("shop_data"), images, running,
        Map.of("shop_back", p.networkHash("back"))))).isEmpty();
    assertThat(Planner.prepare(p, Planner.Options.up(), new Observed(networks, Set.of("shop_data"), images, running)))
        .isEmpty();
  }

  @Test
  void namedServiceBringsItsDependenciesUnlessNoDeps() throws Exception {
    Project p = load(SHOP);
    Planner.Options one = new Planner.Options(List.of("catalog"), Map.of(), false, Planner.BuildPolicy.NEVER, false, true, false, null);
    assertThat(Planner.services(p, one)).containsExactly("config", "migrate", "catalog");
    Planner.Options noDeps = new Planner.Options(List.of("catalog"), Map.of(), true, Planner.BuildPolicy.NEVER, false, true, false, null);
    assertThat(Planner.services(p, noDeps)).containsExactly("catalog");
    // without its dependencies there is nothing to wait for
    assertThat(lines(Planner.containers(p, noDeps, Observed.empty()))).containsExactly(
        "create container shop-catalog-1 and start it", "create container shop-catalog-2 and start it");
    // only the networks the named services use
    assertThat(lines(Planner.prepare(p, noDeps, new Observed(Set.of("outside"), Set.of("shop_data"), Map.of("shop/catalog", "x"), List.of()))))
        .containsExactly("create network shop_back", "create network shop_front");
  }

  @Test
  void unchangedContainersAreKeptChangedOnesRecreatedSurplusRemoved() throws Exception {
    Project p = load(SHOP);
    String catalog = p.configHash("catalog");
    List<Observed.Existing> running = new ArrayList<>(List.of(
        new Observed.Existing("c1", "shop-catalog-1", "catalog", 1, catalog, "sha256:k", true, false),
        new Observed.Existing("c2", "shop-catalog-2", "catalog", 2, catalog, "sha256:k", false, false),
        new Observed.Existing("c3", "shop-catalog-3", "catalog", 3, catalog, "sha256:k", true, false),
        new Observed.Existing("g1", "shop-gateway-1", "gateway", 1, "stale-hash", "sha256:g", true, false),
        new Observed.Existing("r1", "shop-catalog-run-1f", "catalog", 31, catalog, "sha256:k", true, true)));
    Observed seen = new Observed(Set.of(), Set.of(), Map.of("shop/catalog", "sha256:k", "shop/gateway", "sha256:g"), running);
    Planner.Options o = new Planner.Options(List.of("gateway"), Map.of(), true, Planner.BuildPolicy.NEVER, false, true, false, null);
    assertThat(lines(Planner.containers(p, o, seen))).containsExactly(
        "remove container shop-gateway-1 (changed)", "create container shop-gateway-1 and start it");
    o = new Planner.Options(List.of("catalog"), Map.of(), true, Planner.BuildPolicy.NEVER, false, true, false, null);
    assertThat(lines(Planner.containers(p, o, seen))).containsExactly(
        "remove container shop-catalog-3 (surplus)", "keep container shop-catalog-1", "start container shop-catalog-2");
    // --scale changes the count, not the hash: nothing is recreated
    o = new Planner.Options(List.of("catalog"), Map.of("catalog", 4), true, Planner.BuildPolicy.NEVER, false, true, false, null);
    assertThat(lines(Planner.containers(p, o, seen))).containsExactly(
        "keep container shop-catalog-1", "start container shop-catalog-2", "keep container shop-catalog-3",
        "create container shop-catalog-4 and start it");
    // a rebuilt or re-pulled image (new id) recreates; --force-recreate recreates anyway
    Observed newImage = new Observed(Set.of(), Set.of(), Map.of("shop/catalog", "sha256:new"), running);
    o = new Planner.Options(List.of("catalog"), Map.of("catalog", 1), true, Planner.BuildPolicy.NEVER, false, true, false, null);
    assertThat(lines(Planner.containers(p, o, newImage))).containsExactly(
        "remove container shop-catalog-2 (surplus)", "remove container shop-catalog-3 (surplus)",
        "remove container shop-catalog-1 (changed)", "create container shop-catalog-1 and start it");
    o = new Planner.Options(List.of("catalog"), Map.of("catalog", 1), true, Planner.BuildPolicy.NEVER, true, false, false, null);
    assertThat(lines(Planner.containers(p, o, seen))).startsWith("remove container shop-catalog-2 (surplus)")
        .contains("remove container shop-catalog-1 (forced)", "create container shop-catalog-1");
  }

  @Test
  void orphansAreReportedOrRemoved() throws Exception {
    Project p = load(SHOP);
    Observed seen = new Observed(Set.of(), Set.of(), Map.of(), List.of(
        new Observed.Existing("o1", "shop-legacy-1", "legacy", 1, "h", null, true, false)));
    Planner.Options o = new Planner.Options(List.of("migrate"), Map.of(), true, Planner.BuildPolicy.NEVER, false, true, false, null);
    assertThat(lines(Planner.containers(p, o, seen)).getFirst()).startsWith("warning: found orphan containers (shop-legacy-1)");
    o = new Planner.Options(List.of("migrate"), Map.of(), true, Planner.BuildPolicy.NEVER, false, true, true, null);
    assertThat(lines(Planner.containers(p, o, seen))).containsExactly(
        "remove container shop-legacy-1 (orphan)", "create container shop-migrate-1 and start it");
  }

  @Test
  void oneOffRunWaitsForDependenciesButMakesNoServiceContainer() throws Exception {
    Project p = load(SHOP);
    Planner.Options o = new Planner.Options(List.of("catalog"), Map.of(), false, Planner.BuildPolicy.IF_MISSING, false, true, false, "catalog");
    assertThat(lines(Planner.containers(p, o, Observed.empty()))).containsExactly(
        "create container shop-config-1 and start it",
        "create container shop-migrate-1 and start it",
        "wait for config (service_healthy) before catalog",
        "wait for migrate (service_completed_successfully) before catalog");
  }

  @Test
  void impossibleRequestsFailBeforeAnythingIsMade() throws Exception {
    Project p = load(SHOP.replace("networks: [back]\n  migrate", "networks: [back, outside]\n  migrate"));
    assertThatThrownBy(() -> Planner.prepare(p, Planner.Options.up(), Observed.empty()))
        .hasMessageContaining("network outside declared as external, but could not be found");
    Project named = load("""
        services:
          web: {image: x, container_name: web, scale: 2}
        """);
    assertThatThrownBy(() -> Planner.containers(named, Planner.Options.up(), Observed.empty()))
        .hasMessageContaining("services.web: container_name \"web\" must be unique");
    Project never = load("""
        services:
          web: {image: x, pull_policy: never}
        """);
    assertThatThrownBy(() -> Planner.prepare(never, Planner.Options.up(), Observed.empty()))
        .hasMessageContaining("services.web.pull_policy: image x is not present");
    Planner.Options scale = new Planner.Options(List.of(), Map.of("nope", 2), false, Planner.BuildPolicy.NEVER, false, true, false, null);
    assertThatThrownBy(() -> Planner.services(p, scale)).hasMessageContaining("no such service: nope");
  }
}
