package io.berth.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several {@code -f} files: a later file that names a service partially adds to it, as in compose. */
class MergeTest {
  @TempDir Path dir;

  private Project load(String base, String override) throws Exception {
    Path a = Files.writeString(dir.resolve("compose.yaml"), base);
    Path b = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("override.yaml"), override);
    return ProjectLoader.load(new ProjectLoader.Options(List.of(a, b), "m", List.of(), null, dir, Map.of()));
  }

  @Test
  void overrideAddsToTheServiceInsteadOfReplacingIt() throws Exception {
    Project p = load("""
        services:
          web:
            image: web:1
            command: serve
            environment: [A=1, B=1]
            ports: ["80:80"]
            volumes: [./a:/a, data:/data]
            networks: [back]
            build: {context: ./web, args: {X: "1"}}
        networks: {back: {}}
        volumes: {data: {}}
        """, """
        services:
          web:
            image: web:2
            environment: {B: 2, C: 3}
            ports: ["80:80", "443:443"]
            volumes: [./other:/a]
            build: {args: {Y: "2"}}
          worker:
            image: worker
        """);
    ObjectNode web = p.service("web");
    assertThat(web.path("image").asText()).isEqualTo("web:2");
    assertThat(web.path("command").toString()).isEqualTo("[\"serve\"]");
    assertThat(web.path("environment").toString()).isEqualTo("{\"A\":\"1\",\"B\":\"2\",\"C\":\"3\"}");
    assertThat(web.path("ports")).hasSize(2);
    assertThat(web.path("volumes")).hasSize(2);
    // paths in every file are relative to the project directory, as in compose
    assertThat(web.path("volumes").get(0).path("source").asText()).isEqualTo(dir.resolve("other").toString());
    assertThat(web.path("networks").toString()).isEqualTo("{\"back\":{}}");
    assertThat(web.path("build").path("context").asText()).isEqualTo(dir.resolve("web").toString());
    assertThat(web.path("build").path("args").toString()).isEqualTo("{\"X\":\"1\",\"Y\":\"2\"}");
    assertThat(p.service("worker").path("networks").toString()).isEqualTo("{\"default\":{}}");
  }

  @Test
  void aServiceOnlyAnOverrideNamesStillNeedsAnImage() {
    assertThatThrownBy(() -> load("services: {web: {image: x}}", "services: {worker: {environment: [A=1]}}"))
        .hasMessage("services.worker: has neither an image nor a build context specified");
    assertThatThrownBy(() -> load("services: {web: {image: x}}", "services: {web: {ports: [{target: nope}]}}"))
        .hasMessage("services.web.ports[0]: invalid port \"nope\"");
    assertThatThrownBy(() -> load("services: {web: {image: x}}", "services: {web: {restart: [1]}}"))
        .hasMessage("validating override.yaml: services.web.restart: array found, string expected");
  }
}
