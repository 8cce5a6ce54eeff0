package io.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The dashboard's server end to end (issue 17): a berthd of its own started with
 * {@code --dashboard-addr 127.0.0.1:PORT}, tokens made with the real {@code berth dashboard token},
 * the dashboard driven with the JDK's HttpClient as a browser or a script would, and the effects
 * checked with the real docker CLI. The swarm part runs last: it turns the daemon into a one-node
 * swarm manager.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardApiIT {
  private static final int SLOT = TestDaemon.SLOT.isEmpty() ? 0 : Integer.parseInt(TestDaemon.SLOT.substring(2));
  private static final Path DIR = Path.of(TestDaemon.BASE + "-dash");
  private static final Path SOCKET = DIR.resolve("b.sock");
  private static final String BRIDGE = "bitdash" + SLOT;
  private static final String TABLE = "berth_itdash" + SLOT;
  private static final int PORT = 27300 + SLOT;
  private static final String BASE = "http://127.0.0.1:" + PORT;
  private static final String REGISTRY = "127.0.0.1:" + (27340 + SLOT);
  private static final String SWARM_LISTEN = "127.0.0.1:" + (27320 + 2 * SLOT);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private static Process daemon;
  private static String writeToken;

  @BeforeAll
  static void start() throws Exception {
    Exec.sh("ip link del " + BRIDGE + " 2>/dev/null; nft delete table ip " + TABLE + " 2>/dev/null; rm -rf " + DIR);
    Files.createDirectories(DIR);
    daemon = new ProcessBuilder(berthd("--dashboard-addr", "127.0.0.1:" + PORT)).redirectErrorStream(true)
        .redirectOutput(DIR.resolve("berthd.log").toFile()).start();
    for (int i = 0; i < 300 && docker("version").exit() != 0; i++) {
      assertThat(daemon.isAlive()).as("berthd runs: " + TestDaemon.tail(DIR.resolve("berthd.log"))).isTrue();
      Thread.sleep(100);
    }
    check(docker("version"), "berthd with a dashboard");
    Path tar = DIR.resolve("busybox.tar");
    check(Exec.run(Map.of(), null, 120, List.of(Exec.repoRoot().resolve("scripts/mkimage-busybox.sh").toString(),
        tar.toString())), "mkimage");
    check(docker("import", "-c", "CMD [\"/bin/sh\"]", tar.toString(), TestDaemon.IMAGE), "docker import");
    writeToken = newToken();
  }

  @AfterAll
  static void stop() throws Exception {
    if (daemon != null) {
      docker("swarm", "leave", "--force");
      docker("ps", "-aq").out().lines().filter(l -> !l.isBlank()).forEach(c -> docker("rm", "-f", c));
      daemon.destroy();
      daemon.waitFor(30, TimeUnit.SECONDS);
    }
    Exec.sh("ip link del " + BRIDGE + " 2>/dev/null; nft delete table ip " + TABLE + " 2>/dev/null; true");
  }

  @Test
  @Order(1)
  void aNonLoopbackAddressWithoutTlsIsRefusedAtStartUpByName() {
    Path other = DIR.resolve("refused");
    List<String> cmd = new ArrayList<>(List.of(Exec.repoRoot().resolve("bin/berthd").toString(),
        "-H", "unix://" + other.resolve("b.sock"), "--data-root", other + "/data", "--exec-root", other + "/exec",
        "--config-file", other + "/none.json", "--bridge", BRIDGE + "x", "--bip", "10.89." + (190 + SLOT) + ".1/24",
        "--nft-table", TABLE + "x", "--cgroup-parent", "berth-itdashx" + SLOT, "--dashboard-addr", "0.0.0.0:" + PORT));
    Exec.Result r = Exec.run(Map.of(), null, 60, cmd);
    assertThat(r.exit()).isNotZero();
    assertThat(r.all()).contains("refusing to serve the dashboard on 0.0.0.0:" + PORT + " without TLS");
    assertThat(other.resolve("data")).doesNotExist(); // refused before it touched anything
  }

  @Test
  @Order(2)
  void withoutOrWithAWrongTokenTheApiAnswers401WithAnEmptyBody() throws Exception {
    for (Map<String, String> headers : List.of(Map.<String, String>of(), Map.of("Authorization", "Bearer bdt_wrong"),
        Map.of("Authorization", "Bearer " + writeToken + "x"), Map.of("Cookie", "berth_session=forged"))) {
      for (String path : List.of("/api/state", "/api/session", "/api/events")) {
        HttpResponse<String> r = send("GET", path, headers, null);
        assertThat(r.statusCode()).as(path + " " + headers).isEqualTo(401);
        assertThat(r.body()).as(path + " " + headers).isEmpty();
      }
      assertThat(send("POST", "/api/services/x/scale", headers, "{\"Replicas\":1}").body()).isEmpty();
    }
    HttpResponse<String> shell = send("GET", "/", Map.of(), null);
    assertThat(shell.statusCode()).isEqualTo(303);
    assertThat(shell.headers().firstValue("Location")).contains("/login");
  }

  @Test
  @Order(3)
  void theLoginFormGivesASessionCookieAndBearerWorksToo() throws Exception {
    HttpResponse<String> form = send("GET", "/login", Map.of(), null);
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.body()).contains("<form method=\"post\" action=\"/login\"").contains("name=\"token\"");
    assertThat(form.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v)
        .contains("default-src 'self'"));
    HttpResponse<String> wrong = login("bdt_not-a-token");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(wrong.body()).contains("not valid").doesNotContain("berthd 0.1.0");

    HttpResponse<String> ok = login(writeToken);
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.headers().firstValue("Location")).contains("/");
    String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).startsWith("berth_session=").contains("HttpOnly").contains("SameSite=Strict")
        .contains("Path=/").doesNotContain("Secure");
    Map<String, String> cookie = Map.of("Cookie", setCookie.substring(0, setCookie.indexOf(';')));
    JsonNode session = json(send("GET", "/api/session", cookie, null));
    assertThat(session.path("readOnly").asBoolean(true)).isFalse();
    assertThat(session.path("csrf").asText()).hasSizeGreaterThan(20);
    assertThat(session.path("engine").asText()).startsWith("berthd ");
    assertThat(send("GET", "/", cookie, null).statusCode()).isNotEqualTo(303);

    JsonNode bearer = json(send("GET", "/api/session", bearer(writeToken), null));
    assertThat(bearer.path("readOnly").asBoolean(true)).isFalse();

    assertThat(send("POST", "/logout", cookie, "").statusCode()).isEqualTo(303);
    assertThat(send("GET", "/api/session", cookie, null).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(4)
  void theStateShowsAContainerTheDockerCliRan() throws Exception {
    check(docker("run", "-d", "--name", "dash-c1", TestDaemon.IMAGE, "sleep", "1d"), "docker run");
    JsonNode state = json(send("GET", "/api/state", bearer(writeToken), null));
    assertThat(state.path("swarm").asBoolean(true)).isFalse();
    JsonNode c = find(state.path("containers"), n -> n.path("Name").asText().equals("dash-c1"));
    assertThat(c).as(state.toString()).isNotNull();
    assertThat(c.path("State").asText()).isEqualTo("running");
    assertThat(c.path("Image").asText()).isEqualTo(TestDaemon.IMAGE);
    assertThat(find(state.path("images"), n -> n.path("Tags").toString().contains(TestDaemon.IMAGE))).isNotNull();
    assertThat(find(state.path("networks"), n -> n.path("Name").asText().equals("bridge"))).isNotNull();
    assertThat(state.path("registry").isArray()).as("the in-process registry's part").isTrue();
  }

  @Test
  @Order(5)
  void theStateListsTheInProcessRegistrysRepositoriesAndTags() throws Exception {
    check(docker("tag", TestDaemon.IMAGE, REGISTRY + "/dash/img:1"), "docker tag");
    check(docker("push", REGISTRY + "/dash/img:1"), "docker push");
    JsonNode state = json(send("GET", "/api/state", bearer(writeToken), null));
    JsonNode repo = find(state.path("registry"), r -> r.path("Repository").asText().equals("dash/img"));
    assertThat(repo).as(state.path("registry").toString()).isNotNull();
    assertThat(repo.path("Tags").toString()).isEqualTo("[\"1\"]");
  }

  @Test
  @Order(5)
  void theStatsStreamMeasuresRunningContainers() throws Exception {
    String id = docker("inspect", "--format", "{{.Id}}", "dash-c1").out().trim();
    try (SseReader sse = SseReader.open(bearer(writeToken), "/api/stats")) {
      String line = sse.await(l -> l.startsWith("data: ") && l.contains(id), Duration.ofSeconds(30));
      assertThat(line).as("a stats event with dash-c1").isNotNull();
      JsonNode entry = find(JSON.readTree(line.substring("data: ".length())), n -> n.path("ID").asText().equals(id));
      assertThat(entry.path("MemoryBytes").asLong()).isPositive();
      assertThat(entry.has("CPUPercent")).isTrue();
    }
  }

  @Test
  @Order(5)
  void theEventStreamDeliversADockerRun() throws Exception {
    try (SseReader sse = SseReader.open(bearer(writeToken), "/api/events")) {
      assertThat(sse.await(l -> l.equals("event: hello"), Duration.ofSeconds(30))).isNotNull();
      check(docker("run", "-d", "--name", "dash-sse", TestDaemon.IMAGE, "sleep", "1d"), "docker run");
      String line = sse.await(l -> l.startsWith("data: ") && l.contains("\"dash-sse\"")
          && l.contains("\"Action\":\"start\""), Duration.ofSeconds(30));
      assertThat(line).as("a start event of dash-sse within 30 s").isNotNull();
      assertThat(JSON.readTree(line.substring("data: ".length())).path("Type").asText()).isEqualTo("container");
    }
  }

  @Test
  @Order(6)
  void aReadOnlyTokenLooksButCannotAct() throws Exception {
    String ro = newToken("--read-only");
    assertThat(json(send("GET", "/api/session", bearer(ro), null)).path("readOnly").asBoolean()).isTrue();
    assertThat(send("GET", "/api/state", bearer(ro), null).statusCode()).isEqualTo(200);
    HttpResponse<String> r = send("POST", "/api/services/x/scale", bearer(ro), "{\"Replicas\":2}");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).path("message").asText()).startsWith("read-only token:");
    assertThat(send("DELETE", "/api/tasks/x/container", bearer(ro), null).statusCode()).isEqualTo(403);
  }

  @Test
  @Order(7)
  void aCookieWriteWithoutTheCsrfHeaderOrFromAnotherOriginIsRefused() throws Exception {
    Map<String, String> cookie = sessionCookie(writeToken);
    String csrf = json(send("GET", "/api/session", cookie, null)).path("csrf").asText();
    HttpResponse<String> bare = send("POST", "/api/nodes/x/availability", cookie, "{\"Availability\":\"drain\"}");
    assertThat(bare.statusCode()).isEqualTo(403);
    assertThat(json(bare).path("message").asText()).contains("X-Berth-Csrf");
    Map<String, String> foreign = new HashMap<>(cookie);
    foreign.put("X-Berth-Csrf", csrf);
    foreign.put("Origin", "http://evil.example");
    assertThat(send("POST", "/api/nodes/x/availability", foreign, "{\"Availability\":\"drain\"}").statusCode())
        .isEqualTo(403);
    Map<String, String> good = new HashMap<>(cookie);
    good.put("X-Berth-Csrf", csrf);
    good.put("Origin", BASE);
    // past the guards: the action itself answers (no swarm yet: Docker's 503)
    HttpResponse<String> passed = send("POST", "/api/nodes/x/availability", good, "{\"Availability\":\"drain\"}");
    assertThat(passed.statusCode()).isEqualTo(503);
    assertThat(json(passed).path("message").asText()).contains("not a swarm manager");
  }

  @Test
  @Order(8)
  void inSwarmModeTheDashboardScalesDrainsAndRollsBackThroughTheApisRules() throws Exception {
    check(docker("swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", SWARM_LISTEN), "swarm init");
    check(docker("service", "create", "-d", "--name", "dash-web", "--replicas", "1", TestDaemon.IMAGE,
        "sh", "-c", "echo dash-hello-from-task; sleep 1d"), "service create");
    await(() -> docker("service", "ls", "--filter", "name=dash-web", "--format", "{{.Replicas}}").out().trim(),
        "1/1"::equals, "one replica running");
    Map<String, String> auth = new HashMap<>(sessionCookie(writeToken));
    auth.put("X-Berth-Csrf", json(send("GET", "/api/session", auth, null)).path("csrf").asText());

    JsonNode session = json(send("GET", "/api/session", auth, null));
    assertThat(session.path("swarm").asBoolean()).isTrue();
    String nodeId = session.path("nodeId").asText();
    assertThat(nodeId).isEqualTo(docker("info", "--format", "{{.Swarm.NodeID}}").out().trim());

    // the API's validation, from the same use cases
    assertThat(send("POST", "/api/services/dash-web/scale", auth, "{\"Replicas\":-1}").statusCode()).isEqualTo(400);
    assertThat(send("POST", "/api/services/no-such/scale", auth, "{\"Replicas\":1}").statusCode()).isEqualTo(404);
    HttpResponse<String> noPrevious = send("POST", "/api/services/dash-web/rollback", auth, null);
    assertThat(noPrevious.statusCode()).isBetween(400, 499);
    assertThat(json(noPrevious).path("message").asText()).contains("does not have a previous spec");

    HttpResponse<String> scaled = send("POST", "/api/services/dash-web/scale", auth, "{\"Replicas\":3}");
    assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
    await(() -> docker("service", "ls", "--filter", "name=dash-web", "--format", "{{.Replicas}}").out().trim(),
        "3/3"::equals, "docker service ls shows the dashboard's 3 replicas");
    JsonNode state = json(send("GET", "/api/state", auth, null));
    JsonNode svc = find(state.path("services"), s -> s.path("Name").asText().equals("dash-web"));
    assertThat(svc.path("Replicas").asInt()).isEqualTo(3);
    assertThat(svc.path("Running").asInt()).isEqualTo(3);
    String serviceId = svc.path("ID").asText();
    assertThat(state.path("tasks").findValuesAsText("ServiceID").stream().filter(serviceId::equals).count())
        .isGreaterThanOrEqualTo(3);
    JsonNode node = find(state.path("nodes"), n -> n.path("ID").asText().equals(nodeId));
    assertThat(node.path("Leader").asBoolean()).isTrue();
    assertThat(node.path("Role").asText()).isEqualTo("manager");

    JsonNode detail = json(send("GET", "/api/services/" + serviceId, auth, null));
    assertThat(detail.path("Service").path("Spec").path("Name").asText()).isEqualTo("dash-web");
    assertThat(detail.path("Tasks").size()).isGreaterThanOrEqualTo(3);

    try (SseReader logs = SseReader.open(auth, "/api/services/" + serviceId + "/logs?tail=20")) {
      assertThat(logs.await(l -> l.startsWith("data: ") && l.contains("dash-hello-from-task"), Duration.ofSeconds(60)))
          .as("a log line of the service's tasks").isNotNull();
    }

    // a running task's container stays; drained, the tasks end and their containers may go
    String running = find(state.path("tasks"), t -> t.path("ServiceID").asText().equals(serviceId)
        && t.path("State").asText().equals("running")).path("ID").asText();
    assertThat(send("DELETE", "/api/tasks/" + running + "/container", auth, null).statusCode()).isEqualTo(409);
    assertThat(send("POST", "/api/nodes/" + nodeId + "/availability", auth, "{\"Availability\":\"sideways\"}")
        .statusCode()).isEqualTo(400);
    HttpResponse<String> drained = send("POST", "/api/nodes/" + nodeId + "/availability", auth,
        "{\"Availability\":\"drain\"}");
    assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
    assertThat(docker("node", "inspect", "--format", "{{.Spec.Availability}}", "self").out().trim()).isEqualTo("drain");
    await(() -> docker("service", "ls", "--filter", "name=dash-web", "--format", "{{.Replicas}}").out().trim(),
        "0/3"::equals, "the drained node's tasks stop");
    JsonNode ended = await(() -> {
      try {
        return find(json(send("GET", "/api/services/" + serviceId, auth, null)).path("Tasks"),
            t -> t.path("ID").asText().equals(running) && t.path("State").asText().equals("shutdown"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, t -> t != null, "the drained task ends");
    String container = ended.path("ContainerID").asText();
    assertThat(docker("ps", "-a", "--no-trunc", "-q").out()).contains(container);
    HttpResponse<String> removed = send("DELETE", "/api/tasks/" + running + "/container", auth, null);
    assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
    assertThat(docker("ps", "-a", "--no-trunc", "-q").out()).doesNotContain(container);
    assertThat(send("POST", "/api/nodes/" + nodeId + "/availability", auth, "{\"Availability\":\"active\"}")
        .statusCode()).isEqualTo(200);
    assertThat(docker("node", "inspect", "--format", "{{.Spec.Availability}}", "self").out().trim()).isEqualTo("active");
    await(() -> docker("service", "ls", "--filter", "name=dash-web", "--format", "{{.Replicas}}").out().trim(),
        "3/3"::equals, "the activated node runs the tasks again");

    // a spec change, then the dashboard's rollback
    check(docker("service", "update", "-d", "--env-add", "DASH=1", "dash-web"), "service update");
    HttpResponse<String> rolledBack = send("POST", "/api/services/dash-web/rollback", auth, null);
    assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
    assertThat(docker("service", "inspect", "--format", "{{.UpdateStatus.State}}", "dash-web").out().trim())
        .startsWith("rollback");
  }

  @Test
  @Order(9)
  void aRevokedTokenEndsItsBearerItsSessionsAndItsStreams() throws Exception {
    Exec.Result made = berth("dashboard", "token");
    check(made, "berth dashboard token");
    String token = lastLine(made.out());
    String id = made.out().replaceAll("(?s).*Dashboard token ([0-9a-f]+) .*", "$1");
    assertThat(berth("dashboard", "token", "ls").out()).contains(id).contains("read-write");
    Map<String, String> cookie = sessionCookie(token);
    assertThat(send("GET", "/api/session", cookie, null).statusCode()).isEqualTo(200);
    try (SseReader sse = SseReader.open(bearer(token), "/api/events")) {
      assertThat(sse.await(l -> l.equals("event: hello"), Duration.ofSeconds(30))).isNotNull();
      check(berth("dashboard", "token", "rm", id), "berth dashboard token rm");
      assertThat(send("GET", "/api/session", bearer(token), null).statusCode()).isEqualTo(401);
      assertThat(send("GET", "/api/session", cookie, null).statusCode()).isEqualTo(401);
      assertThat(berth("dashboard", "token", "ls").out()).doesNotContain(id);
      // the stream notices at its next keep-alive (every 15 s)
      assertThat(sse.awaitEnd(Duration.ofSeconds(60))).as("the revoked token's event stream ends").isTrue();
    }
    assertThat(send("GET", "/api/session", bearer(writeToken), null).statusCode()).isEqualTo(200);
  }

  /**
   * A non-loopback address (this daemon's own bridge address) with TLS: the cookie is Secure, the
   * page's origin https; and the tokens made before the restart still work after it.
   */
  @Test
  @Order(10)
  void onANonLoopbackAddressTheDashboardServesTlsAndTokensSurviveARestart() throws Exception {
    String ip = "10.89." + (180 + SLOT) + ".1";
    Exec.Result certs = Exec.sh("cd " + DIR + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout dash-key.pem"
        + " -out dash.pem -days 2 -subj /CN=" + ip + " -addext subjectAltName=IP:" + ip + " 2>&1");
    check(certs, "openssl");
    daemon.destroy();
    assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
    daemon = new ProcessBuilder(berthd("--dashboard-addr", ip + ":" + PORT, "--dashboard-tlscert", DIR + "/dash.pem",
        "--dashboard-tlskey", DIR + "/dash-key.pem")).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(DIR.resolve("berthd.log").toFile())).start();
    for (int i = 0; i < 300 && docker("version").exit() != 0; i++) {
      assertThat(daemon.isAlive()).as("berthd restarts: " + TestDaemon.tail(DIR.resolve("berthd.log"))).isTrue();
      Thread.sleep(100);
    }
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (var in = Files.newInputStream(DIR.resolve("dash.pem"))) {
      trust.setCertificateEntry("dash", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl)
        .connectTimeout(Duration.ofSeconds(10)).build();
    String base = "https://" + ip + ":" + PORT;
    HttpResponse<String> session = null;
    for (int i = 0; i < 100 && session == null; i++) {
      try {
        session = https.send(HttpRequest.newBuilder(URI.create(base + "/api/session"))
            .header("Authorization", "Bearer " + writeToken).build(), HttpResponse.BodyHandlers.ofString());
      } catch (java.net.ConnectException notYet) {
        Thread.sleep(100);
      }
    }
    assertThat(session).as("the dashboard answers over TLS").isNotNull();
    assertThat(session.statusCode()).as("a token from before the restart").isEqualTo(200);
    HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create(base + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + writeToken)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");
    // plain HTTP on the TLS port gets no answer a browser could use
    assertThat(Exec.sh("curl -s -o /dev/null -w '%{http_code}' --max-time 10 http://" + ip + ":" + PORT
        + "/api/session").out()).doesNotContain("200");
  }

  // --- helpers ---

  static int port() {
    return PORT;
  }

  private static List<String> berthd(String... extra) {
    List<String> cmd = new ArrayList<>(List.of(Exec.repoRoot().resolve("bin/berthd").toString(),
        "-H", "unix://" + SOCKET, "--data-root", DIR + "/data", "--exec-root", DIR + "/exec",
        "--config-file", DIR + "/none.json", "--bridge", BRIDGE, "--bip", "10.89." + (180 + SLOT) + ".1/24",
        "--nft-table", TABLE, "--cgroup-parent", "berth-itdash" + SLOT, "--registry-addr", REGISTRY));
    cmd.addAll(List.of(extra));
    return cmd;
  }

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("DOCKER_HOST", "unix://" + SOCKET);
    env.put("BERTH_HOST", "unix://" + SOCKET);
    env.put("DOCKER_CONFIG", DIR.resolve("docker-config").toString());
    return env;
  }

  private static Exec.Result docker(String... args) {
    return Exec.run(env(), null, 120, Exec.list("/usr/local/bin/docker", args));
  }

  private static Exec.Result berth(String... args) {
    return Exec.run(env(), null, 60, Exec.list(Exec.repoRoot().resolve("bin/berth").toString(), args));
  }

  private static String newToken(String... flags) {
    List<String> args = new ArrayList<>(List.of("dashboard", "token"));
    args.addAll(List.of(flags));
    Exec.Result r = berth(args.toArray(String[]::new));
    check(r, "berth dashboard token");
    String token = lastLine(r.out());
    assertThat(token).startsWith("bdt_");
    return token;
  }

  private static String lastLine(String out) {
    List<String> lines = out.strip().lines().toList();
    return lines.getLast().trim();
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  private static HttpResponse<String> login(String token) throws Exception {
    return send("POST", "/login", Map.of("Content-Type", "application/x-www-form-urlencoded"),
        "token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Map<String, String> sessionCookie(String token) throws Exception {
    String setCookie = login(token).headers().firstValue("Set-Cookie").orElseThrow();
    return Map.of("Cookie", setCookie.substring(0, setCookie.indexOf(';')));
  }

  static HttpResponse<String> send(String method, String path, Map<String, String> headers, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  private static JsonNode find(JsonNode array, Predicate<JsonNode> p) {
    for (JsonNode n : array) {
      if (p.test(n)) {
        return n;
      }
    }
    return null;
  }

  private static <T> T await(Supplier<T> read, Predicate<T> done, String what) throws InterruptedException {
    T last = null;
    for (int i = 0; i < 240; i++) {
      last = read.get();
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(what + ": still " + last + " after 120 s\n" + TestDaemon.tail(DIR.resolve("berthd.log")));
  }

  private static void check(Exec.Result r, String what) {
    assertThat(r.exit()).as(what + ":\n" + r.all()).isZero();
  }
}
