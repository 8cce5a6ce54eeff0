package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth compose} on examples/compose-shop against the test daemon: three services built
 * from Dockerfiles that call each other by name, brought up with one command, answering through a
 * published port, scaled, inspected, and torn down leaving nothing behind.
 */
class ComposeIT {
  private static final String PORT = "18391";
  private static final Path FILE = Exec.repoRoot().resolve("examples/compose-shop/compose.yaml");
  @TempDir Path tmp;

  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  @AfterEach
  void down() {
    compose("down", "-v", "--remove-orphans");
  }

  private static Exec.Result compose(String... args) {
    Map<String, String> env = TestDaemon.env();
    env.put("BASE_IMAGE", TestDaemon.IMAGE);
    env.put("GATEWAY_PORT", PORT);
    List<String> cmd = new java.util.ArrayList<>(List.of(Exec.repoRoot().resolve("bin/berth").toString(),
        "compose", "-f", FILE.toString()));
    cmd.addAll(List.of(args));
    return Exec.run(env, null, 300, cmd);
  }

  private static String get(String path) {
    return Exec.run(Map.of(), null, 20, List.of("curl", "-s", "-m", "10", "http://127.0.0.1:" + PORT + path)).out();
  }

  private static List<String> ids(String service) {
    return List.of(docker("ps", "-aq", "--no-trunc", "--filter", "label=com.docker.compose.project=compose-shop",
        "--filter", "label=com.docker.compose.service=" + service).out().trim().split("\\s+"));
  }

  @Test
  void upAnswersThroughThePublishedPortByNameAndDownLeavesNothing() throws Exception {
    Exec.Result r = compose("up", "-d");
    check(r, "compose up");
    assertThat(r.err()).contains("Network compose-shop_default  Created").contains("compose-shop-config-server-1  Healthy");

    String answer = "";
    for (int i = 0; i < 50 && !answer.contains("says:"); i++) {
      answer = get("/cgi-bin/shop");
      Thread.sleep(100);
    }
    assertThat(answer).startsWith("gateway -> catalog ").endsWith("says: hello from the config server\n");
    // the one service name stands for both catalog replicas
    String lookup = compose("exec", "-T", "gateway", "nslookup", "catalog").out();
    for (String id : ids("catalog")) {
      String ip = docker("inspect", "-f", "{{(index .NetworkSettings.Networks \"compose-shop_default\").IPAddress}}", id)
          .out().trim();
      assertThat(lookup).contains("Address: " + ip);
    }

    r = compose("ps", "--format", "{{.Service}} {{.State}}");
    assertThat(r.out().lines().sorted().toList()).containsExactly(
        "catalog running", "catalog running", "config-server running", "gateway running");
    assertThat(compose("logs", "config-server").out()).contains("compose-shop-config-server-1 | config server ready");
    assertThat(compose("exec", "-T", "catalog", "cat", "/etc/resolv.conf").out()).contains("nameserver 127.0.0.11");
    r = compose("run", "--rm", "--no-deps", "catalog", "sh", "-c", "echo one-off $SPRING_CLOUD_CONFIG_URI");
    check(r, "compose run");
    assertThat(r.out()).contains("one-off http://config-server:8788");

    // an unchanged project keeps its containers; --scale changes only the replicas
    List<String> gateway = ids("gateway");
    check(compose("up", "-d", "--scale", "catalog=3"), "up --scale");
    assertThat(ids("gateway")).isEqualTo(gateway);
    assertThat(ids("catalog")).hasSize(3);
    check(compose("up", "-d"), "up again");
    assertThat(ids("catalog")).hasSize(2);
    assertThat(ids("gateway")).isEqualTo(gateway);

    String network = docker("network", "inspect", "-f", "{{.Id}}", "compose-shop_default").out().trim();
    assertThat(Exec.sh("ip link show br-" + network.substring(0, 12)).exit()).isZero();
    check(compose("down", "-v"), "down");
    String label = "label=com.docker.compose.project=compose-shop";
    assertThat(docker("ps", "-aq", "--filter", label).out()).isBlank();
    assertThat(docker("network", "ls", "-q", "--filter", label).out()).isBlank();
    assertThat(docker("volume", "ls", "-q").out()).doesNotContain("compose-shop_config-data");
    assertThat(Exec.sh("nft list ruleset").out()).doesNotContain("dport " + PORT + " ");
    assertThat(Exec.sh("ip link show br-" + network.substring(0, 12)).exit()).as("the bridge is gone").isNotZero();
    assertThat(get("/cgi-bin/shop")).isEmpty();
  }

  @Test
  void configPrintsTheModelAndBadFilesNameTheKey() throws Exception {
    Exec.Result r = compose("config");
    check(r, "config");
    assertThat(r.out()).contains("name: compose-shop").contains("SPRING_CLOUD_CONFIG_URI: http://config-server:8788")
        .contains("published: \"" + PORT + "\"").contains("condition: service_healthy");
    assertThat(compose("config", "--services").out().lines().toList())
        .containsExactly("config-server", "catalog", "gateway");

    Path bad = tmp.resolve("compose.yaml");
    Files.writeString(bad, "services:\n  web:\n    image: x\n    ports: [{target: 80, published: [1]}]\n    restartt: always\n");
    r = Exec.run(TestDaemon.env(), null, 60, List.of(Exec.repoRoot().resolve("bin/berth").toString(),
        "compose", "-f", bad.toString(), "up", "-d"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("services.web").contains("restartt");
    Files.writeString(bad, "services:\n  web: {image: x, depends_on: [db]}\n");
    r = Exec.run(TestDaemon.env(), null, 60, List.of(Exec.repoRoot().resolve("bin/berth").toString(),
        "compose", "-f", bad.toString(), "up", "-d"));
    assertThat(r.err()).contains("depends on undefined service db");
    assertThat(docker("ps", "-aq").out()).isBlank();
    assertThat(docker("network", "ls", "--format", "{{.Name}}").out()).doesNotContain("_default");
  }
}
