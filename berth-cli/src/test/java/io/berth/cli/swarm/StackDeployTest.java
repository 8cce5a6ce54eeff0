package io.berth.cli.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stack deploy} against a stand-in daemon: docker's requests, in docker's order, and its --resolve-image rules. */
class StackDeployTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PINNED = "it/web:1@sha256:" + "ab".repeat(32);
  @TempDir Path dir;
  FakeDaemon daemon;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  Path file;

  @BeforeEach
  void start() throws Exception {
    daemon = new FakeDaemon(dir);
    daemon.on("GET", "/info", "{\"Swarm\":{\"ControlAvailable\":true}}");
    daemon.on("GET", "/networks", "[]");
    daemon.on("POST", "/networks/create", "{\"Id\":\"n1\"}");
    daemon.on("POST", "/services/create", "{\"ID\":\"svc2\"}");
    daemon.on("POST", "/services/svc1/update", "{\"Warnings\":[]}");
    file = dir.resolve("compose.yml");
    Files.writeString(file, "services:\n  web: {image: it/web:1, links: [db]}\n  db: {image: it/db, depends_on: [web]}\n");
  }

  @AfterEach
  void stop() throws Exception {
    daemon.close();
  }

  int berth(String... args) {
    return Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("DOCKER_HOST", daemon.uri(), "DOCKER_CONFIG", dir.toString()));
  }

  @Test
  void createsTheNetworkThenTheServicesAsDockerDoes() throws Exception {
    daemon.on("GET", "/services", "[]");
    int rc = berth("stack", "deploy", "-c", file.toString(), "stk");
    assertThat(rc).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("Creating network stk_default\nCreating service stk_db\nCreating service stk_web\n");
    assertThat(err.toString()).startsWith("Ignoring unsupported options: links\n\n")
        .contains("Since --detach=false was not specified, tasks will be created in the background.")
        .contains("image it/web:1 could not be accessed on a registry to record");
    assertThat(daemon.requests.stream().map(r -> r.method() + " " + r.path()).toList()).containsExactly(
        "GET /info", "GET /services", "GET /networks", "POST /networks/create",
        "GET /distribution/it/db:latest/json", "POST /services/create",
        "GET /distribution/it/web:1/json", "POST /services/create");
    assertThat(URLDecoder.decode(daemon.requests.get(1).query(), StandardCharsets.UTF_8))
        .isEqualTo("filters={\"label\":{\"com.docker.stack.namespace=stk\":true}}");
    JsonNode net = JSON.readTree(daemon.only("POST", "/networks/create").body());
    assertThat(net.toString()).isEqualTo("{\"Name\":\"stk_default\",\"Driver\":\"overlay\",\"Options\":{},\"Internal\":false,"
        + "\"Attachable\":false,\"Labels\":{\"com.docker.stack.namespace\":\"stk\"}}");
    JsonNode db = JSON.readTree(daemon.requests.get(5).body());
    assertThat(db.at("/TaskTemplate/ContainerSpec/Image").asText()).isEqualTo("it/db:latest");
    assertThat(db.at("/Labels").toString()).isEqualTo("{\"com.docker.stack.namespace\":\"stk\","
        + "\"com.docker.stack.image\":\"it/db\",\"io.berth.stack.depends-on\":\"stk_web:service_started\"}");
  }

  @Test
  void anUnchangedImageKeepsWhatTheLastDeployPinnedWithResolveChanged() throws Exception {
    daemon.on("GET", "/services", "[{\"ID\":\"svc1\",\"Version\":{\"Index\":5},\"Spec\":{\"Name\":\"stk_web\","
        + "\"Labels\":{\"com.docker.stack.image\":\"it/web:1\"},\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"" + PINNED
        + "\"},\"Placement\":{\"Platforms\":[{\"Architecture\":\"amd64\",\"OS\":\"linux\"}]},\"ForceUpdate\":3}}}]");
    Files.writeString(file, "services:\n  web: {image: it/web:1}\n");
    int rc = berth("stack", "deploy", "--resolve-image", "changed", "-c", file.toString(), "stk");
    assertThat(rc).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Updating service stk_web (id: svc1)");
    assertThat(daemon.requests.stream().noneMatch(r -> r.path().startsWith("/distribution"))).isTrue();
    FakeDaemon.Request update = daemon.only("POST", "/services/svc1/update");
    assertThat(update.query()).contains("version=5");
    JsonNode spec = JSON.readTree(update.body());
    assertThat(spec.at("/TaskTemplate/ContainerSpec/Image").asText()).isEqualTo(PINNED);
    assertThat(spec.at("/TaskTemplate/Placement/Platforms").toString()).isEqualTo("[{\"Architecture\":\"amd64\",\"OS\":\"linux\"}]");
    assertThat(spec.at("/TaskTemplate/ForceUpdate").asLong()).isEqualTo(3);
  }

  @Test
  void refusesABadResolveImageBeforeAnyRequest() {
    assertThat(berth("stack", "deploy", "--resolve-image", "sometimes", "-c", file.toString(), "stk")).isNotZero();
    assertThat(err.toString()).contains("Invalid option sometimes for flag --resolve-image");
    assertThat(berth("stack", "deploy", "-c", "-", "stk")).isNotZero();
    assertThat(err.toString()).contains("reading a compose file from stdin (-c -) is not supported by berth yet");
    assertThat(daemon.requests).isEmpty();
  }
}
