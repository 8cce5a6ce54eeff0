package io.berth.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectLoaderTest {
  @TempDir Path dir;

  private Project load(String yaml, Map<String, String> env, String... profiles) throws Exception {
    Path d = Files.createDirectories(dir.resolve("My_Shop"));
    Files.writeString(d.resolve("compose.yaml"), yaml);
    return ProjectLoader.load(new ProjectLoader.Options(List.of(), null, List.of(profiles), null, d, env));
  }

  @Test
  void shortSyntaxesBecomeLongFormsAndNamesComeFromTheDirectory() throws Exception {
    Files.createDirectories(dir.resolve("My_Shop"));
    Files.writeString(dir.resolve("My_Shop/.env"), "TAG=2\nPORT=9000\n");
    Files.writeString(dir.resolve("My_Shop/web.env"), "FROM_FILE=yes\nSHARED=file\n");
    Project p = load("""
        services:
          web:
            image: "shop/web:${TAG}"
            command: sh -c 'echo "hi there"'
            env_file: web.env
            environment:
              - SHARED=inline
              - PLAIN
            ports: ["${PORT}:80", "127.0.0.1:8443:443/tcp", "9100-9101:9100-9101"]
            volumes: ["data:/data:ro", "./conf:/etc/conf"]
            depends_on: [db]
            labels: [tier=front]
          db:
            image: db
            deploy: {replicas: 2, resources: {limits: {memory: 256m, cpus: "0.5"}}}
        volumes:
          data: {}
        """, Map.of("PLAIN", "from-shell"));
    assertThat(p.name()).isEqualTo("my_shop");
    ObjectNode web = p.service("web");
    assertThat(web.path("image").asText()).isEqualTo("shop/web:2");
    assertThat(web.path("command").toString()).isEqualTo("[\"sh\",\"-c\",\"echo \\\"hi there\\\"\"]");
    assertThat(web.path("environment").toString())
        .isEqualTo("{\"FROM_FILE\":\"yes\",\"SHARED\":\"inline\",\"PLAIN\":\"from-shell\"}");
    assertThat(web.path("ports")).hasSize(4);
    assertThat(web.path("ports").get(0).toString()).isEqualTo("{\"target\":80,\"published\":\"9000\",\"protocol\":\"tcp\"}");
    assertThat(web.path("ports").get(1).path("host_ip").asText()).isEqualTo("127.0.0.1");
    assertThat(web.path("ports").get(3).path("published").asText()).isEqualTo("9101");
    assertThat(web.path("volumes").get(0).toString())
        .isEqualTo("{\"type\":\"volume\",\"source\":\"data\",\"target\":\"/data\",\"read_only\":true}");
    assertThat(web.path("volumes").get(1).path("source").asText()).isEqualTo(dir.resolve("My_Shop/conf").toString());
    assertThat(web.path("depends_on").path("db").path("condition").asText()).isEqualTo("service_started");
    assertThat(p.networkName("default")).isEqualTo("my_shop_default");
    assertThat(p.volumeName("data")).isEqualTo("my_shop_data");
    assertThat(p.startOrder(List.of("web"))).containsExactly("db", "web");

    ObjectNode body = ContainerBodies.containerBody(p, "web", 1, false, null);
    assertThat(body.path("HostConfig").path("PortBindings").path("80/tcp").get(0).path("HostPort").asText()).isEqualTo("9000");
    assertThat(body.path("HostConfig").path("Mounts").get(0).path("Source").asText()).isEqualTo("my_shop_data");
    assertThat(body.path("NetworkingConfig").path("EndpointsConfig").path("my_shop_default").path("Aliases").get(0).asText())
        .isEqualTo("web");
    assertThat(body.path("Labels").path(ContainerBodies.PROJECT).asText()).isEqualTo("my_shop");
    ObjectNode db = ContainerBodies.containerBody(p, "db", 2, false, null);
    assertThat(db.path("HostConfig").path("Memory").asLong()).isEqualTo(256L << 20);
    assertThat(db.path("HostConfig").path("NanoCpus").asLong()).isEqualTo(500_000_000L);
    assertThat(ContainerBodies.replicas(p, "db", Map.of())).isEqualTo(2);
    assertThat(ContainerBodies.replicas(p, "db", Map.of("db", 5))).isEqualTo(5);
    assertThat(ContainerBodies.containerName(p, "db", 2, false)).isEqualTo("my_shop-db-2");
  }

  @Test
  void interpolationRules() {
    Interpolation i = new Interpolation(Map.of("SET", "v", "EMPTY", ""));
    assertThat(i.substitute("a-$SET-${SET}", "x")).isEqualTo("a-v-v");
    assertThat(i.substitute("${UNSET:-d} ${EMPTY:-d} ${EMPTY-d}", "x")).isEqualTo("d d ");
    assertThat(i.substitute("${SET:+alt} ${EMPTY:+alt} ${EMPTY+alt}", "x")).isEqualTo("alt  alt");
    assertThat(i.substitute("${UNSET:-${SET}}", "x")).isEqualTo("v");
    assertThat(i.substitute("$$SET costs $$5", "x")).isEqualTo("$SET costs $5");
    assertThatThrownBy(() -> i.substitute("${NEEDED:?set NEEDED please}", "services.a.image"))
        .hasMessageContaining("required variable NEEDED is missing a value: set NEEDED please");
    assertThatThrownBy(() -> i.substitute("${OOPS", "services.a.image"))
        .hasMessageContaining("invalid interpolation format for services.a.image");
  }

  @Test
  void schemaErrorsNameTheKey() {
    assertThatThrownBy(() -> load("""
        services:
          web:
            image: x
            ports: [{target: "eighty"}]
        """, Map.of())).hasMessageContaining("services.web.ports[0]").hasMessageContaining("eighty");
    assertThatThrownBy(() -> load("""
        services:
          web:
            image: x
            restart: 5
        """, Map.of())).hasMessageContaining("services.web.restart");
    assertThatThrownBy(() -> load("""
        services:
          web:
            image: x
            restartt: always
        """, Map.of())).hasMessageContaining("services.web").hasMessageContaining("restartt");
    assertThatThrownBy(() -> load("services: [1, 2]", Map.of())).hasMessageContaining("services");
    assertThatThrownBy(() -> load("services:\n  web: {image: x\n", Map.of())).hasMessageContaining("invalid YAML");
  }

  @Test
  void referencesAreChecked() {
    assertThatThrownBy(() -> load("""
        services:
          web: {image: x, depends_on: [db]}
        """, Map.of())).hasMessageContaining("depends on undefined service db");
    assertThatThrownBy(() -> load("""
        services:
          a: {image: x, depends_on: [b]}
          b: {image: x, depends_on: [a]}
        """, Map.of())).hasMessageContaining("dependency cycle");
    assertThatThrownBy(() -> load("""
        services:
          web: {image: x, networks: [back]}
        """, Map.of())).hasMessageContaining("undefined network back");
    assertThatThrownBy(() -> load("""
        services:
          web: {image: x, volumes: ["data:/d"]}
        """, Map.of())).hasMessageContaining("undefined volume data");
    org.assertj.core.api.Assertions.assertThatCode(() -> load("""
        services:
          web: {build: .}
        """, Map.of("X", "1"))).doesNotThrowAnyException();
  }

  @Test
  void profilesSelectServices() throws Exception {
    String yaml = """
        services:
          web: {image: x}
          debug: {image: y, profiles: [dev]}
        """;
    assertThat(load(yaml, Map.of()).serviceNames()).containsExactly("web");
    assertThat(load(yaml, Map.of(), "dev").serviceNames()).containsExactly("web", "debug");
    assertThat(load(yaml, Map.of("COMPOSE_PROFILES", "dev")).serviceNames()).containsExactly("web", "debug");
  }

  @Test
  void configPrintsTheNormalisedModel() throws Exception {
    Project p = load("""
        services:
          web:
            image: nginx
            healthcheck: {test: "wget -q localhost", interval: 1m30s}
        """, Map.of());
    String yaml = p.yaml();
    assertThat(yaml).contains("name: my_shop").contains("my_shop_default").contains("CMD-SHELL");
    JsonNode h = ContainerBodies.containerBody(p, "web", 1, false, null).path("Healthcheck");
    assertThat(h.path("Interval").asLong()).isEqualTo(90_000_000_000L);
  }

  @Test
  void optionalDependenciesMayBeMissing() throws Exception {
    Project p = load("""
        services:
          web: {image: x, depends_on: {metrics: {condition: service_started, required: false}, db: {condition: service_started}}}
          db: {image: y}
          metrics: {image: z, profiles: [ops]}
        """, Map.of());
    assertThat(p.service("web").path("depends_on").has("metrics")).isFalse();
    assertThat(p.startOrder(List.of("web"))).containsExactly("db", "web");
    assertThatThrownBy(() -> load("""
        services:
          web: {image: x, depends_on: [metrics]}
          metrics: {image: z, profiles: [ops]}
        """, Map.of())).hasMessage("services.web.depends_on: service web depends on service metrics which is disabled by its profiles");
  }
}
