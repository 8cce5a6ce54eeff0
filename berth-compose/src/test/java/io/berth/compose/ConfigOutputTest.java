package io.berth.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compose config}: the normalised model as YAML, itself a valid compose file. */
class ConfigOutputTest {
  @TempDir Path dir;

  @Test
  void printedModelLoadsAgainToTheSameModel() throws Exception {
    Path a = Files.createDirectories(dir.resolve("shop"));
    Files.writeString(a.resolve(".env"), "TAG=2\n");
    Files.writeString(a.resolve("compose.yaml"), """
        services:
          web:
            image: "shop/web:${TAG}"
            command: echo hi
            ports: ["8080:80"]
            volumes: [data:/data, ./conf:/conf]
            depends_on: [db]
            environment: [A=1]
            healthcheck: {test: wget -q localhost, interval: 5s}
            deploy: {replicas: 2}
          db: {build: ./db, networks: {back: {aliases: [database]}}}
        networks: {back: {}}
        volumes: {data: {}}
        """);
    Project p = ProjectLoader.load(new ProjectLoader.Options(List.of(), null, List.of(), null, a, Map.of()));
    String yaml = p.yaml();
    assertThat(yaml).contains("name: shop", "image: shop/web:2", "published: \"8080\"", "condition: service_started",
        "CMD-SHELL", "name: shop_back", "name: shop_data");

    Path b = Files.createDirectories(dir.resolve("again"));
    Files.writeString(b.resolve("compose.yaml"), yaml);
    Project again = ProjectLoader.load(new ProjectLoader.Options(List.of(), null, List.of(), null, b, Map.of()));
    assertThat(again.name()).isEqualTo("shop");
    assertThat(again.model()).isEqualTo(p.model());
    assertThat(again.configHash("web")).isEqualTo(p.configHash("web"));
  }
}
