package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's real {@code prometheus} scrapes a berthd started with {@code --metrics-addr} (its
 * in-process registry included) and a {@code berth registry serve --metrics-addr}, every second;
 * the test makes activity with the docker CLI (containers, push and pull, a swarm service) and
 * asks prometheus' HTTP API for the series, comparing them with what docker itself shows. The
 * daemon is this test's own (its metrics and registry flags differ from the shared one's), on
 * names derived from the slot.
 */
class PrometheusIT {
  private static final String N = TestDaemon.SLOT.isEmpty() ? "0" : TestDaemon.SLOT.substring(2);
  private static final Path DIR = TestDaemon.BASE.resolve("prometheus-it");
  private static final String BRIDGE = "bitm" + N;
  private static final String TABLE = "berth_itm" + N;
  private static final String SOCK = "unix://" + DIR.resolve("b.sock");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<Process> STARTED = new ArrayList<>();

  private static String metricsAddr;
  private static String registryAddr;
  private static String standaloneAddr;
  private static String standaloneMetrics;
  private static String prometheus;
  private static Process berthd;

  @BeforeAll
  static void start() throws Exception {
    Exec.sh("rm -rf " + DIR + " && mkdir -p " + DIR + " && echo '{}' > " + DIR + "/none.json");
    metricsAddr = "127.0.0.1:" + freePort();
    registryAddr = "127.0.0.1:" + freePort();
    berthd = spawn(DIR.resolve("berthd.log"), Exec.repoRoot().resolve("bin/berthd").toString(),
        "-H", SOCK, "--data-root", DIR + "/data", "--exec-root", DIR + "/exec",
        "--config-file", DIR + "/none.json", "--bridge", BRIDGE, "--bip", "10.89." + (70 + Integer.parseInt(N)) + ".1/24",
        "--nft-table", TABLE, "--cgroup-parent", "berth-itm" + N,
        "--metrics-addr", metricsAddr, "--registry-addr", registryAddr);
    await("berthd's API", () -> docker("version").exit() == 0);
    standaloneAddr = "127.0.0.1:" + freePort();
    standaloneMetrics = "127.0.0.1:" + freePort();
    spawn(DIR.resolve("registry.log"), Exec.repoRoot().resolve("bin/berth").toString(), "registry", "serve",
        "--addr", standaloneAddr, "--storage", DIR + "/standalone", "--metrics-addr", standaloneMetrics);
    await("the standalone registry's metrics", () -> status("http://" + standaloneMetrics + "/metrics") == 200);

    Path tar = DIR.resolve("busybox.tar");
    check(Exec.run(Map.of(), null, 120, List.of(Exec.repoRoot().resolve("scripts/mkimage-busybox.sh").toString(),
        tar.toString())), "mkimage");
    check(docker("import", "-c", "CMD [\"/bin/sh\"]", tar.toString(), TestDaemon.IMAGE), "docker import");

    prometheus = "127.0.0.1:" + freePort();
    Path config = DIR.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: berthd
            static_configs:
              - targets: ['%s']
          - job_name: registry
            static_configs:
              - targets: ['%s']
        """.formatted(metricsAddr, standaloneMetrics));
    spawn(DIR.resolve("prometheus.log"), "/usr/bin/prometheus", "--config.file=" + config,
        "--storage.tsdb.path=" + DIR.resolve("tsdb"), "--web.listen-address=" + prometheus);
    await("prometheus", () -> status("http://" + prometheus + "/-/ready") == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (berthd != null && berthd.isAlive()) {
        docker("swarm", "leave", "--force");
        Exec.sh("DOCKER_HOST=" + SOCK + " docker rm -f $(DOCKER_HOST=" + SOCK + " docker ps -aq) 2>/dev/null; true");
      }
    } finally {
      for (Process p : STARTED.reversed()) {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      Exec.sh("ip link del " + BRIDGE + " 2>/dev/null; nft delete table ip " + TABLE + " 2>/dev/null; "
          + "nft delete table ip " + TABLE + "_mesh 2>/dev/null; true");
    }
  }

  @Test
  void prometheusScrapesTheEngineRegistryAndClusterSeries() throws Exception {
    // containers: two running, one created, one exited
    check(docker("run", "-d", "--name", "m1", TestDaemon.IMAGE, "sleep", "600"), "run m1");
    check(docker("run", "-d", "--name", "m2", TestDaemon.IMAGE, "sh", "-c",
        "while true; do echo x > /dev/null; done"), "run m2");
    check(docker("create", "--name", "m3", TestDaemon.IMAGE, "true"), "create m3");
    check(docker("run", "--name", "m4", TestDaemon.IMAGE, "true"), "run m4");
    // push and pull through berthd's own registry and through the standalone one
    for (String reg : List.of(registryAddr, standaloneAddr)) {
      check(docker("tag", TestDaemon.IMAGE, reg + "/it/bb:1"), "tag");
      check(docker("push", reg + "/it/bb:1"), "push to " + reg);
      check(docker("rmi", reg + "/it/bb:1"), "rmi");
      check(docker("pull", reg + "/it/bb:1"), "pull from " + reg);
    }
    // builds: one that works, one whose COPY names a file the context lacks
    Path ctx = DIR.resolve("ctx");
    Files.createDirectories(ctx);
    Files.writeString(ctx.resolve("f"), "x");
    Files.writeString(ctx.resolve("Dockerfile"), "FROM " + TestDaemon.IMAGE + "\nCOPY f /f\nLABEL built=yes\n");
    check(build("-t", "it/built:1", ctx.toString()), "docker build");
    Files.writeString(ctx.resolve("Dockerfile.bad"), "FROM " + TestDaemon.IMAGE + "\nCOPY missing /m\n");
    assertThat(build("-f", ctx.resolve("Dockerfile.bad").toString(), ctx.toString()).exit()).isNotZero();
    // swarm mode: one manager, a service of two tasks
    int swarmPort = freePortPair();
    check(docker("swarm", "init", "--advertise-addr", "127.0.0.1:" + swarmPort, "--listen-addr",
        "127.0.0.1:" + swarmPort), "swarm init");
    check(docker("service", "create", "-d", "--name", "web", "--replicas", "2", TestDaemon.IMAGE, "sleep", "600"),
        "service create");
    await("the service's tasks to run", () -> docker("service", "ls", "--format", "{{.Replicas}}").out().strip()
        .equals("2/2"));

    assertThat(scalar("up{job=\"berthd\"}", v -> v == 1)).isEqualTo(1);
    assertThat(scalar("up{job=\"registry\"}", v -> v == 1)).isEqualTo(1);

    int running = (int) docker("ps", "-q").out().strip().lines().count();
    assertThat(running).isEqualTo(4);
    assertThat(scalar("berth_containers{state=\"running\"}", v -> v == running)).isEqualTo(running);
    assertThat(scalar("berth_containers{state=\"created\"}", v -> v == 1)).isEqualTo(1);
    assertThat(scalar("berth_containers{state=\"exited\"}", v -> v == 1)).isEqualTo(1);
    assertThat(scalar("berth_container_start_seconds_count", v -> v >= 5)).isGreaterThanOrEqualTo(5);
    assertThat(scalar("sum(berth_container_start_seconds_bucket{le=\"+Inf\"})", v -> v >= 5)).isGreaterThanOrEqualTo(5);

    // per-container series, only for running ones, labelled by id, name and image
    String m2 = docker("inspect", "-f", "{{.Id}}", "m2").out().strip();
    assertThat(scalar("berth_container_cpu_usage_seconds_total{name=\"m2\",id=\"" + m2 + "\",image=\""
        + TestDaemon.IMAGE + "\"}", v -> v > 0.1)).isGreaterThan(0.1);
    assertThat(scalar("berth_container_memory_usage_bytes{name=\"m1\"}", v -> v > 0)).isGreaterThan(0);
    assertThat(scalar("berth_container_network_receive_bytes_total{name=\"m1\"}", v -> v >= 0)).isGreaterThanOrEqualTo(0);
    assertThat(scalar("berth_container_block_read_bytes_total{name=\"m1\"}", v -> v >= 0)).isGreaterThanOrEqualTo(0);
    assertThat(scalar("count(berth_container_memory_usage_bytes)", v -> v == running)).isEqualTo(running);
    assertThat(query("berth_container_memory_usage_bytes{name=\"m4\"}")).as("no series for a stopped one").isEmpty();

    // images: two pushes and two pulls, with the bytes pushed
    assertThat(scalar("berth_image_pushes_total{result=\"success\"}", v -> v == 2)).isEqualTo(2);
    assertThat(scalar("berth_image_pulls_total{result=\"success\"}", v -> v == 2)).isEqualTo(2);
    long layer = Long.parseLong(docker("image", "inspect", "-f", "{{.Size}}", TestDaemon.IMAGE).out().strip());
    assertThat(scalar("berth_image_push_bytes_total", v -> v > 0)).isGreaterThan(0).isLessThanOrEqualTo(2.0 * layer);

    assertThat(scalar("berth_builds_total{result=\"success\"}", v -> v == 1)).isEqualTo(1);
    assertThat(scalar("berth_builds_total{result=\"failure\"}", v -> v == 1)).isEqualTo(1);

    // the registries: berthd's own in its /metrics, the standalone one on its own listener
    assertThat(scalar("berth_registry_requests_total{job=\"berthd\",operation=\"manifest_put\",status=\"201\"}",
        v -> v == 1)).isEqualTo(1);
    assertThat(scalar("berth_registry_requests_total{job=\"registry\",operation=\"manifest_put\",status=\"201\"}",
        v -> v == 1)).isEqualTo(1);
    assertThat(scalar("berth_registry_requests_total{job=\"registry\",operation=\"manifest_get\",status=\"200\"}",
        v -> v >= 1)).isGreaterThanOrEqualTo(1);
    assertThat(scalar("berth_registry_served_bytes_total{job=\"registry\"}", v -> v > 0)).isGreaterThan(0);
    assertThat(scalar("berth_registry_uploads{job=\"registry\"}", v -> v == 0)).isEqualTo(0);

    // the cluster: one ready active node, the service's tasks running, a leader with a term
    assertThat(scalar("berth_cluster_nodes{state=\"ready\",availability=\"active\"}", v -> v == 1)).isEqualTo(1);
    assertThat(scalar("berth_cluster_tasks{state=\"running\"}", v -> v == 2)).isEqualTo(2);
    assertThat(scalar("berth_cluster_raft_leader", v -> v == 1)).isEqualTo(1);
    assertThat(scalar("berth_cluster_raft_term", v -> v >= 1)).isGreaterThanOrEqualTo(1);
    assertThat(scalar("berth_cluster_raft_commit_seconds_count", v -> v > 0)).isGreaterThan(0);
    assertThat(scalar("berth_cluster_scheduling_wait_seconds_count", v -> v >= 2)).isGreaterThanOrEqualTo(2);
    assertThat(scalar("berth_cluster_reconcile_seconds_count{loop=\"orchestrator\"}", v -> v > 0)).isGreaterThan(0);

    // API requests by route template: the counter grows with each docker ps
    String ps = "berth_api_requests_total{method=\"GET\",route=\"/containers/json\",status=\"200\"}";
    double before = scalar(ps, v -> v > 0);
    for (int i = 0; i < 3; i++) {
      check(docker("ps"), "ps");
    }
    assertThat(scalar(ps, v -> v >= before + 3)).isGreaterThanOrEqualTo(before + 3);
    assertThat(query("berth_api_requests_total{route=~\".*" + m2.substring(0, 12) + ".*\"}"))
        .as("no raw path (container id) becomes a label").isEmpty();
    assertThat(scalar("count(count by (route) (berth_api_requests_total{route=\"/containers/{id}/json\"}))",
        v -> v == 1)).isEqualTo(1);

    // the listener serves /metrics and nothing else: the Engine API is not there
    assertThat(status("http://" + metricsAddr + "/v1.47/containers/json")).isEqualTo(404);
  }

  @Test
  void aBadMetricsAddressStopsBerthdNamingTheFlag() throws Exception {
    Path d = DIR.resolve("bad");
    Exec.sh("mkdir -p " + d);
    Exec.Result r = Exec.run(Map.of(), null, 60, List.of(Exec.repoRoot().resolve("bin/berthd").toString(),
        "-H", "unix://" + d + "/b.sock", "--data-root", d + "/data", "--exec-root", d + "/exec",
        "--config-file", DIR + "/none.json", "--bridge", "bitmx" + N, "--nft-table", TABLE + "x",
        "--metrics-addr", "127.0.0.1"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("invalid --metrics-addr 127.0.0.1: expected HOST:PORT");
    assertThat(Exec.sh("ip link show bitmx" + N).exit()).as("nothing set up on the host").isNotZero();
  }

  /** The single value of {@code promql}, once it satisfies {@code wanted} (bounded wait); else the last seen. */
  private static double scalar(String promql, DoublePredicate wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    Double last = null;
    while (System.nanoTime() < deadline) {
      JsonNode r = query(promql);
      if (r.size() == 1) {
        last = Double.parseDouble(r.get(0).path("value").get(1).asText());
        if (wanted.test(last)) {
          return last;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError(promql + " did not reach the wanted value within 45 s; last result: " + last
        + "\n" + query(promql));
  }

  /** The result vector of an instant query to prometheus' HTTP API. */
  private static JsonNode query(String promql) throws Exception {
    String url = "http://" + prometheus + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("status").asText()).as("prometheus answered %s", r.body()).isEqualTo("success");
    return body.path("data").path("result");
  }

  private static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static Exec.Result docker(String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    return Exec.run(Map.of("DOCKER_HOST", SOCK), null, 120, cmd);
  }

  /** {@code docker build} with the classic builder, which berthd serves. */
  private static Exec.Result build(String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker", "build"));
    cmd.addAll(List.of(args));
    return Exec.run(Map.of("DOCKER_HOST", SOCK, "DOCKER_BUILDKIT", "0"), null, 120, cmd);
  }

  private static Process spawn(Path log, String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    STARTED.add(p);
    return p;
  }

  private static void await(String what, java.util.function.BooleanSupplier ready) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      if (ready.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(what + " not ready within 60 s; berthd's log:\n" + TestDaemon.tail(DIR.resolve("berthd.log")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A free port whose next one is free too: swarm mode's Raft listens on the port after the listen port. */
  private static int freePortPair() throws IOException {
    for (int i = 0; i < 50; i++) {
      int p = freePort();
      try (ServerSocket next = new ServerSocket(p + 1)) {
        next.setReuseAddress(true);
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no two free adjacent ports");
  }
}
