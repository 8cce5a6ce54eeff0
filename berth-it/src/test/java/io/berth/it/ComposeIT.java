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
 * {@code berth compose} on examples/compose-shop against the test daemon: a seed job and three
 * services built from Dockerfiles that call each other by name, brought up with one command in
 * dependency order (completed, healthy), answering through a published port, scaled, changed,
 * stopped and started, inspected, and torn down leaving nothing behind.
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
    return composeWith(null, List.of(args));
  }

  /** {@code berth compose -f examples/compose-shop/compose.yaml [-f extra] args...}, fed {@code stdin}. */
  private static Exec.Result composeWith(byte[] stdin, List<String> args, Path... extraFiles) {
    Map<String, String> env = TestDaemon.env();
    env.put("BASE_IMAGE", TestDaemon.IMAGE);
    env.put("GATEWAY_PORT", PORT);
    List<String> cmd = new java.util.ArrayList<>(List.of(Exec.repoRoot().resolve("bin/berth").toString(),
        "compose", "-f", FILE.toString()));
    for (Path f : extraFiles) {
      cmd.addAll(List.of("-f", f.toString()));
    }
    cmd.addAll(args);
    return Exec.run(env, stdin, 300, cmd);
  }

  private static String get(String path) {
    return Exec.run(Map.of(), null, 20, List.of("curl", "-s", "-m", "10", "http://127.0.0.1:" + PORT + path)).out();
  }

  /** Polls the shop through the published port until the whole chain answers (services start in the background). */
  private static String shop() throws InterruptedException {
    String answer = "";
    for (int i = 0; i < 100 && !answer.contains("says:"); i++) {
      answer = get("/cgi-bin/shop");
      Thread.sleep(100);
    }
    return answer;
  }

  private static List<String> ids(String service) {
    String out = docker("ps", "-aq", "--no-trunc", "--filter", "label=com.docker.compose.project=compose-shop",
        "--filter", "label=com.docker.compose.service=" + service).out().trim();
    return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
  }

  @Test
  void upAnswersThroughThePublishedPortByNameAndDownLeavesNothing() throws Exception {
    // --dry-run says what up would do and does none of it
    Exec.Result r = compose("--dry-run", "up", "-d");
    check(r, "compose --dry-run up");
    assertThat(r.out().lines().toList()).contains(
        "create network compose-shop_default",
        "create volume compose-shop_config-data",
        "build compose-shop-config-server for service config-server",
        "create container compose-shop-seed-1 and start it",
        "wait for seed (service_completed_successfully) before config-server",
        "wait for config-server (service_healthy) before catalog",
        "create container compose-shop-catalog-2 and start it");
    assertThat(docker("ps", "-aq", "--filter", "label=com.docker.compose.project=compose-shop").out()).isBlank();

    r = compose("up", "-d");
    check(r, "compose up");
    assertThat(r.err()).contains("Network compose-shop_default  Created", "compose-shop-seed-1  Exited",
        "compose-shop-config-server-1  Healthy");

    // gateway -> catalog (by service name) -> config server (by the address in SPRING_CLOUD_CONFIG_URI)
    assertThat(shop()).startsWith("gateway -> catalog ").endsWith("says: hello from the config server\n");
    // the one service name stands for both catalog replicas
    String lookup = compose("exec", "-T", "gateway", "nslookup", "catalog").out();
    for (String id : ids("catalog")) {
      String ip = docker("inspect", "-f", "{{(index .NetworkSettings.Networks \"compose-shop_default\").IPAddress}}", id)
          .out().trim();
      assertThat(lookup).contains("Address: " + ip);
    }
    assertThat(docker("inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}", ids("catalog").getFirst()).out().trim())
        .isEqualTo((64 << 20) + " 500000000");

    r = compose("ps", "--format", "{{.Service}} {{.State}}");
    assertThat(r.out().lines().sorted().toList()).containsExactly(
        "catalog running", "catalog running", "config-server running", "gateway running");
    assertThat(compose("ps", "-a", "--format", "{{.Name}} {{.State}}").out()).contains("compose-shop-seed-1 exited");
    assertThat(compose("ps", "-q").out().lines().toList()).hasSize(4);
    assertThat(compose("logs", "config-server").out()).contains("compose-shop-config-server-1 | config server ready");
    assertThat(compose("logs", "--tail", "1", "seed").out()).isEqualTo("compose-shop-seed-1 | seeded\n");
    assertThat(compose("exec", "-T", "catalog", "cat", "/etc/resolv.conf").out()).contains("nameserver 127.0.0.11");
    r = compose("run", "--rm", "--no-deps", "catalog", "sh", "-c", "echo one-off $SPRING_CLOUD_CONFIG_URI");
    check(r, "compose run");
    assertThat(r.out()).contains("one-off http://config-server:8788");
    r = composeWith("piped in".getBytes(), List.of("run", "--rm", "-T", "--no-deps", "-e", "X=1", "catalog", "sh", "-c", "cat; echo \" x=$X\""));
    check(r, "compose run with stdin");
    assertThat(r.out()).isEqualTo("piped in x=1\n");
    assertThat(ids("catalog")).as("one-off containers are removed with --rm").hasSize(2);

    // an unchanged project keeps its containers; --scale changes only the replicas
    List<String> gateway = ids("gateway");
    List<String> catalog = ids("catalog");
    check(compose("up", "-d", "--scale", "catalog=3"), "up --scale");
    assertThat(ids("gateway")).isEqualTo(gateway);
    assertThat(ids("catalog")).hasSize(3).containsAll(catalog);
    check(compose("up", "-d"), "up again");
    assertThat(ids("catalog")).containsExactlyInAnyOrderElementsOf(catalog);
    assertThat(ids("gateway")).isEqualTo(gateway);

    // a changed service is recreated, the others are kept
    Path override = tmp.resolve("override.yaml");
    Files.writeString(override, "services:\n  gateway:\n    environment:\n      GREETING: changed\n");
    r = composeWith(null, List.of("up", "-d"), override);
    check(r, "up with a changed gateway");
    assertThat(r.err()).contains("compose-shop-gateway-1  Recreated");
    assertThat(ids("gateway")).hasSize(1).doesNotContainAnyElementsOf(gateway);
    assertThat(ids("catalog")).containsExactlyInAnyOrderElementsOf(catalog);
    assertThat(docker("inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", ids("gateway").getFirst()).out())
        .contains("GREETING=changed");
    assertThat(shop()).endsWith("says: hello from the config server\n");

    // the smaller verbs
    assertThat(compose("port", "gateway", "8080").out().trim()).isEqualTo("0.0.0.0:" + PORT);
    assertThat(compose("ls").out()).containsPattern("compose-shop +exited\\(1\\), running\\(4\\) +" + FILE);
    assertThat(compose("images").out()).contains("compose-shop-catalog-1", "compose-shop-catalog", "it/busybox");
    assertThat(compose("top", "catalog").out()).contains("compose-shop-catalog-2").contains("httpd");

    // stop and start keep the containers; rm removes stopped ones
    check(compose("stop"), "stop");
    assertThat(compose("ps", "-q").out()).isBlank();
    check(compose("rm", "-f", "seed"), "rm");
    assertThat(ids("seed")).isEmpty();
    check(compose("start"), "start");
    assertThat(compose("ps", "-q").out().lines().toList()).hasSize(4);
    assertThat(ids("catalog")).containsExactlyInAnyOrderElementsOf(catalog);

    String network = docker("network", "inspect", "-f", "{{.Id}}", "compose-shop_default").out().trim();
    assertThat(Exec.sh("ip link show br-" + network.substring(0, 12)).exit()).isZero();
    check(compose("down", "-v"), "down");
    String label = "label=com.docker.compose.project=compose-shop";
    assertThat(docker("ps", "-aq", "--filter", label).out()).isBlank();
    assertThat(docker("network", "ls", "-q", "--filter", label).out()).isBlank();
    assertThat(docker("volume", "ls", "-q", "--filter", label).out()).isBlank();
    assertThat(docker("volume", "ls", "-q").out()).doesNotContain("compose-shop_config-data");
    // only this daemon's tables (its own and one per network): another slot may publish the same port
    String ours = Exec.sh("nft list tables | while read -r _ family name; do case $name in "
        + TestDaemon.NFT_TABLE + "|" + TestDaemon.NFT_TABLE + "_[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
        + "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) nft list table $family $name;; esac; done").out();
    assertThat(ours).contains("table").doesNotContain("dport " + PORT + " ");
    assertThat(Exec.sh("ip link show br-" + network.substring(0, 12)).exit()).as("the bridge is gone").isNotZero();
    assertThat(Exec.sh("grep -c compose-shop /proc/mounts").out().trim()).isEqualTo("0");
    assertThat(get("/cgi-bin/shop")).isEmpty();
  }

  @Test
  void configPrintsTheModelAndBadFilesNameTheKey() throws Exception {
    Exec.Result r = compose("config");
    check(r, "config");
    assertThat(r.out()).contains("name: compose-shop").contains("SPRING_CLOUD_CONFIG_URI: http://config-server:8788")
        .contains("published: \"" + PORT + "\"").contains("condition: service_healthy")
        .contains("condition: service_completed_successfully");
    assertThat(compose("config", "--services").out().lines().toList())
        .containsExactly("seed", "config-server", "catalog", "gateway");

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

  /** {@code berth compose -p <project> -f <file> args...} against the test daemon. */
  private static Exec.Result composeFile(Path file, String project, String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of(Exec.repoRoot().resolve("bin/berth").toString(),
        "compose", "-p", project, "-f", file.toString()));
    cmd.addAll(List.of(args));
    return Exec.run(TestDaemon.env(), null, 300, cmd);
  }

  @Test
  void aServiceIsNotHeldBackByAWaitItDoesNotNeed() throws Exception {
    Path file = tmp.resolve("compose.yaml");
    Files.writeString(file, """
        services:
          slow:
            image: %1$s
            init: true
            command: [sh, -c, "sleep 3; touch /tmp/ok; exec sleep 300"]
            healthcheck: {test: [CMD, test, -f, /tmp/ok], interval: 1s, retries: 30}
          waiter:
            image: %1$s
            init: true
            command: [sleep, "300"]
            depends_on: {slow: {condition: service_healthy}}
          free:
            image: %1$s
            init: true
            command: [sleep, "300"]
        """.formatted(TestDaemon.IMAGE));
    try {
      check(composeFile(file, "itlevels", "up", "-d"), "up");
      // free depends on nothing: it starts with slow, not after waiter's wait for slow's health
      String free = docker("inspect", "-f", "{{.State.StartedAt}}", "itlevels-free-1").out().trim();
      String waiter = docker("inspect", "-f", "{{.State.StartedAt}}", "itlevels-waiter-1").out().trim();
      assertThat(java.time.Instant.parse(free)).isBefore(java.time.Instant.parse(waiter).minusSeconds(2));
    } finally {
      composeFile(file, "itlevels", "down", "-t", "0");
    }
  }

  /** As docker compose: a network whose definition changed is made again, and the containers on it with it. */
  @Test
  void aChangedNetworkIsRecreatedWithItsContainers() throws Exception {
    Path file = tmp.resolve("compose.yaml");
    String yaml = """
        services:
          web:
            image: %1$s
            init: true
            command: [sleep, "300"]
            networks: [inner]
          other:
            image: %1$s
            init: true
            command: [sleep, "300"]
        networks:
          inner: {}
        """.formatted(TestDaemon.IMAGE);
    Files.writeString(file, yaml);
    try {
      check(composeFile(file, "itnet", "up", "-d"), "up");
      String web = docker("inspect", "-f", "{{.Id}}", "itnet-web-1").out().trim();
      String other = docker("inspect", "-f", "{{.Id}}", "itnet-other-1").out().trim();
      String net = docker("network", "inspect", "-f", "{{.Id}} {{.Internal}}", "itnet_inner").out().trim();
      assertThat(net).endsWith(" false");
      // unchanged: nothing is made again
      check(composeFile(file, "itnet", "up", "-d"), "up again");
      assertThat(docker("network", "inspect", "-f", "{{.Id}} {{.Internal}}", "itnet_inner").out().trim()).isEqualTo(net);
      assertThat(docker("inspect", "-f", "{{.Id}}", "itnet-web-1").out().trim()).isEqualTo(web);

      Files.writeString(file, yaml.replace("  inner: {}", "  inner: {internal: true}"));
      Exec.Result r = composeFile(file, "itnet", "up", "-d");
      check(r, "up after the change");
      assertThat(r.err()).contains("Network itnet_inner  Removed").contains("Network itnet_inner  Created");
      String now = docker("network", "inspect", "-f", "{{.Id}} {{.Internal}}", "itnet_inner").out().trim();
      assertThat(now).endsWith(" true").isNotEqualTo(net.replace(" false", " true"));
      // the container on it was made again and is on the new network; the other one stayed
      assertThat(docker("inspect", "-f", "{{.Id}}", "itnet-web-1").out().trim()).isNotEqualTo(web);
      assertThat(docker("inspect", "-f", "{{.State.Running}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}",
          "itnet-web-1").out().trim()).isEqualTo("true itnet_inner");
      assertThat(docker("inspect", "-f", "{{.Id}}", "itnet-other-1").out().trim()).isEqualTo(other);
      check(composeFile(file, "itnet", "down", "-t", "0"), "down -t 0");
      assertThat(docker("ps", "-aq", "--filter", "label=com.docker.compose.project=itnet").out()).isBlank();
    } finally {
      composeFile(file, "itnet", "down", "-t", "0");
    }
  }

  @Test
  void logsTakeDockerComposesTimeAndPrefixOptions() throws Exception {
    Path file = tmp.resolve("compose.yaml");
    Files.writeString(file, """
        services:
          talk:
            image: %1$s
            init: true
            command: [sh, -c, "echo one; echo two; exec sleep 300"]
        """.formatted(TestDaemon.IMAGE));
    try {
      check(composeFile(file, "itlogs", "up", "-d"), "up");
      ContainersIT.waitFor(() -> composeFile(file, "itlogs", "logs").out().contains("two"));
      assertThat(composeFile(file, "itlogs", "logs").out()).isEqualTo("itlogs-talk-1 | one\nitlogs-talk-1 | two\n");
      assertThat(composeFile(file, "itlogs", "logs", "--no-log-prefix", "--no-color").out()).isEqualTo("one\ntwo\n");
      assertThat(composeFile(file, "itlogs", "logs", "-t", "--tail", "1").out())
          .matches("itlogs-talk-1 \\| \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z two\n");
      assertThat(composeFile(file, "itlogs", "logs", "--since", "1h", "--no-log-prefix").out()).isEqualTo("one\ntwo\n");
      assertThat(composeFile(file, "itlogs", "logs", "--until", "2000-01-01T00:00:00Z").out()).isEmpty();
    } finally {
      composeFile(file, "itlogs", "down", "-t", "0");
    }
  }

  @Test
  void upWaitsForHealthAndTheForegroundUpStopsOnCtrlC() throws Exception {
    Path file = tmp.resolve("compose.yaml");
    Files.writeString(file, """
        services:
          job:
            image: %1$s
            command: [sh, -c, "echo job done"]
          web:
            image: %1$s
            init: true
            command: [sh, -c, "echo web up; exec httpd -f -p 8080 -h /"]
            depends_on: {job: {condition: service_completed_successfully}}
            healthcheck: {test: [CMD, "true"], interval: 1s, retries: 30}
        """.formatted(TestDaemon.IMAGE));
    try {
      // --wait returns once web is healthy; the finished job is fine because web waits for it
      Exec.Result r = composeFile(file, "itwait", "up", "--wait");
      check(r, "up --wait");
      assertThat(docker("inspect", "-f", "{{.State.Health.Status}}", "itwait-web-1").out().trim()).isEqualTo("healthy");
      check(composeFile(file, "itwait", "down"), "down");

      // attached: logs of the services, prefixed; SIGINT (Ctrl+C) stops the containers and keeps them
      r = Exec.run(TestDaemon.env(), null, 120, List.of("timeout", "-s", "INT", "10",
          Exec.repoRoot().resolve("bin/berth").toString(), "compose", "-p", "itwait", "-f", file.toString(), "up"));
      assertThat(r.out()).as(r.all()).contains("itwait-web-1 | web up").contains("itwait-job-1 | job done");
      assertThat(r.err()).contains("Gracefully stopping");
      assertThat(docker("inspect", "-f", "{{.State.Status}}", "itwait-web-1").out().trim()).isEqualTo("exited");

      // a service that turns unhealthy is an error for --wait
      Files.writeString(file, ("services:\n  bad: {image: %s, init: true, command: [sleep, '300'],"
          + " healthcheck: {test: [CMD, 'false'], interval: 1s, retries: 1}}\n").formatted(TestDaemon.IMAGE));
      r = composeFile(file, "itwait", "up", "--wait", "--remove-orphans");
      assertThat(r.exit()).isNotZero();
      assertThat(r.err()).contains("container itwait-bad-1 is unhealthy");
    } finally {
      composeFile(file, "itwait", "down", "--remove-orphans");
    }
    assertThat(docker("ps", "-aq", "--filter", "label=com.docker.compose.project=itwait").out()).isBlank();
  }
}
