package io.berth.it;

import static io.berth.it.DrillLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rolling updates on a three-node lab (node1 the manager) through the stock docker CLI: a
 * start-first update of a health-checked three-replica web service under a steady load through
 * the routing mesh loses no request, the CLI follows it to "converged", UpdateStatus and the
 * task history look as Docker shows them, {@code service rollback} swaps back and forth, a failing
 * image pauses the update (or rolls it back by itself), and parallelism bounds the tasks started
 * at once. The images v1, v2 and v3 are built on node1 from the busybox rootfs and pushed to the
 * lab registry: v1 and v2 serve their version, v3 exits 1. Every wait and loop is bounded; no
 * assertion measures time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollingUpdateIT {
  static final DrillLab LAB = new DrillLab("roll");
  static final String M = "node1";
  static final int PORT = 28620;
  static final int WIDE_PORT = 28621;
  static final ObjectMapper JSON = new ObjectMapper();
  /** A health check that asks the server itself, so a task runs only once it serves. */
  static final String HEALTH = "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 127.0.0.1 80 | grep -q '^v'";
  static String repo;

  @BeforeAll
  static void up() throws Exception {
    LAB.clean();
    LAB.up(3, 1);
    String base = LAB.pushBusybox(M, "roll/busybox:1");
    repo = base.substring(0, base.indexOf('/')) + "/roll/web";
    Path ctx = Files.createDirectories(TestDaemon.BASE.resolve("roll-build"));
    for (String v : List.of("v1", "v2")) {
      build(ctx, base, v, "RUN mkdir -p /www && echo " + v + " > /www/index.html\n"
          + "CMD [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]\n");
    }
    build(ctx, base, "v3", "CMD [\"sh\", \"-c\", \"exit 1\"]\n");
  }

  @AfterAll
  static void down() {
    LAB.down();
  }

  @Test
  @Order(1)
  void aStartFirstUpdateUnderLoadLosesNoRequest() throws Exception {
    LAB.out(M, "service", "create", "-d", "--name", "web", "--replicas", "3", "-p", PORT + ":80",
        "--update-parallelism", "1", "--update-order", "start-first", "--update-delay", "1s",
        "--update-monitor", "2s", "--rollback-monitor", "2s", "--stop-grace-period", "2s",
        "--health-cmd", HEALTH, "--health-interval", "1s", "--health-retries", "2", repo + ":v1");
    await("three v1 tasks running", () -> LAB.running(M, "web"),
        r -> r.size() == 3 && r.stream().allMatch(l -> l.endsWith(" Running")));
    awaitAnswers("v1", PORT);

    Load load = new Load(List.copyOf(LAB.addresses.values()), PORT);
    Exec.Result update = load.during(() -> LAB.docker(M, "service", "update", "--image", repo + ":v2", "web"));

    assertThat(update.exit()).as("service update (follows the rollout): " + update.all()).isZero();
    assertThat(update.out()).contains("Service web converged");
    assertThat(load.failures).as("failed requests of " + load.sent.get() + " during the update").isEmpty();
    assertThat(load.answers).contains("v1", "v2");
    assertThat(answers(PORT, 9)).as("all tasks serve v2 after the update").containsOnly("v2");
  }

  @Test
  @Order(2)
  void updateStatusAndHistoryAsDockerShowsThem() throws Exception {
    JsonNode status = JSON.readTree(LAB.out(M, "service", "inspect", "--format", "{{json .UpdateStatus}}", "web"));
    assertThat(status.path("State").asText()).isEqualTo("completed");
    assertThat(status.path("Message").asText()).isEqualTo("update completed");
    assertThat(status.path("StartedAt").asText()).isNotEmpty();
    assertThat(status.path("CompletedAt").asText()).isNotEmpty();
    assertThat(status.path("CompletedAt").asText()).isGreaterThan(status.path("StartedAt").asText());
    JsonNode previous = JSON.readTree(LAB.out(M, "service", "inspect", "--format", "{{json .PreviousSpec}}", "web"));
    assertThat(previous.at("/TaskTemplate/ContainerSpec/Image").asText()).startsWith(repo + ":v1");

    // the replaced tasks leave the rotation, then stop (after the agent's leave delay and their grace)
    List<String> history = await("the replaced tasks stopped", () -> LAB.out(M, "service", "ps", "web", "--format",
        "{{.Name}} {{.Image}} {{.DesiredState}} {{.CurrentState}}").lines().toList(),
        h -> h.stream().filter(l -> l.contains(" Shutdown Shutdown")).count() == 3);
    assertThat(history).hasSize(6);
    assertThat(history).filteredOn(l -> l.contains(":v2 ")).hasSize(3).allMatch(l -> l.contains(" Running Running"));
    assertThat(history).filteredOn(l -> l.contains(":v1 ")).hasSize(3).allMatch(l -> l.contains(" Shutdown Shutdown"));
    assertThat(history.stream().map(l -> l.split(" ")[0] + " " + l.split(" ")[2]).toList())
        .as("each slot's newest task first, then the one it replaced")
        .containsExactly("web.1 Running", "web.1 Shutdown", "web.2 Running", "web.2 Shutdown", "web.3 Running", "web.3 Shutdown");
    assertThat(LAB.out(M, "service", "ps", "web")).as("the table indents the replaced tasks")
        .contains("\\_ web.1").contains("\\_ web.2").contains("\\_ web.3");

    String pretty = LAB.out(M, "service", "inspect", "--pretty", "web");
    assertThat(pretty).containsPattern("UpdateConfig:\\s+Parallelism:\\s+1\\s+Delay:\\s+1s\\s+On failure:\\s+pause"
        + "\\s+Monitoring Period: 2s\\s+Max failure ratio: 0\\s+Update order:\\s+start-first");
    assertThat(pretty).containsPattern("RollbackConfig:\\s+Parallelism:\\s+1\\s+On failure:\\s+pause"
        + "\\s+Monitoring Period: 2s\\s+Max failure ratio: 0\\s+Rollback order:\\s+stop-first");
  }

  @Test
  @Order(3)
  void rollbackSwapsToThePreviousSpecAndBack() throws Exception {
    Load load = new Load(List.copyOf(LAB.addresses.values()), PORT);
    Exec.Result back = load.during(() -> LAB.docker(M, "service", "rollback", "web"));
    assertThat(back.exit()).as("service rollback: " + back.all()).isZero();
    assertThat(load.failures).as("failed requests of " + load.sent.get() + " during a stop-first rollback").isEmpty();
    assertThat(back.out()).contains("Service web converged");
    assertThat(rolledBack("web")).isEqualTo("rollback_completed");
    awaitAnswers("v1", PORT);
    Exec.Result again = LAB.docker(M, "service", "rollback", "web");
    assertThat(again.exit()).as("second service rollback: " + again.all()).isZero();
    assertThat(rolledBack("web")).isEqualTo("rollback_completed");
    awaitAnswers("v2", PORT);
  }

  @Test
  @Order(4)
  void aFailingTaskPausesTheUpdateWhileTheOldTasksServe() throws Exception {
    Exec.Result update = LAB.docker(M, "service", "update", "--update-failure-action", "pause", "--image", repo + ":v3", "web");
    assertThat(update.exit()).as("a paused update fails the CLI: " + update.all()).isNotZero();
    assertThat(update.err()).contains("service update paused: update paused due to failure or early termination of task ");
    JsonNode status = JSON.readTree(LAB.out(M, "service", "inspect", "--format", "{{json .UpdateStatus}}", "web"));
    assertThat(status.path("State").asText()).isEqualTo("paused");
    assertThat(status.path("Message").asText()).startsWith("update paused due to failure or early termination of task ");
    assertThat(answers(PORT, 9)).as("the old tasks keep serving (start-first kept them)").containsOnly("v2");
    assertThat(LAB.running(M, "web")).hasSize(3);

    Exec.Result back = LAB.docker(M, "service", "rollback", "web");
    assertThat(back.exit()).as("rollback of the paused update: " + back.all()).isZero();
    assertThat(rolledBack("web")).isEqualTo("rollback_completed");
    awaitAnswers("v2", PORT);
  }

  @Test
  @Order(5)
  void aFailingTaskRollsTheUpdateBackByItself() throws Exception {
    Exec.Result update = LAB.docker(M, "service", "update", "--update-failure-action", "rollback", "--image", repo + ":v3", "web");
    assertThat(update.exit()).as("an update rolled back: " + update.all()).isZero();
    assertThat(update.out()).as("the CLI shows why it rolls back")
        .contains("rollback: update rolled back due to failure or early termination of task ");
    assertThat(rolledBack("web")).isEqualTo("rollback_completed");
    assertThat(LAB.out(M, "service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", "web"))
        .startsWith(repo + ":v2");
    assertThat(answers(PORT, 9)).containsOnly("v2");
  }

  @Test
  @Order(6)
  void parallelismBoundsTheTasksStartedAtOnce() throws Exception {
    LAB.out(M, "service", "create", "-d", "--name", "wide", "--replicas", "4", "-p", WIDE_PORT + ":80",
        "--update-parallelism", "2", "--update-monitor", "1s", "--stop-grace-period", "1s",
        "--health-cmd", HEALTH, "--health-interval", "1s", "--health-retries", "2", repo + ":v1");
    await("four wide tasks running", () -> LAB.running(M, "wide"),
        r -> r.size() == 4 && r.stream().allMatch(l -> l.endsWith(" Running")));
    LAB.out(M, "service", "update", "-d", "--image", repo + ":v2", "wide");
    int most = 0;
    Set<String> seen = new TreeSet<>();
    for (int i = 0; i < 300; i++) {
      List<String> tasks = LAB.out(M, "service", "ps", "wide", "--filter", "desired-state=running",
          "--format", "{{.ID}} {{.Image}} {{.CurrentState}}").lines().toList();
      List<String> starting = tasks.stream().filter(l -> l.contains(":v2 ") && !l.contains(" Running ")).toList();
      most = Math.max(most, starting.size());
      seen.addAll(starting.stream().map(l -> l.split(" ")[0]).toList());
      if (tasks.size() == 4 && tasks.stream().allMatch(l -> l.contains(":v2 ") && l.contains(" Running "))) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(most).as("v2 tasks on their way at once").isBetween(1, 2);
    assertThat(state("wide")).isIn("updating", "completed");
    assertThat(await("wide updated", () -> state("wide"), s -> s.equals("completed"))).isEqualTo("completed");
    assertThat(answers(WIDE_PORT, 8)).containsOnly("v2");
    assertThat(seen).as("new tasks seen starting").isNotEmpty();

    List<String> tasks = LAB.out(M, "service", "ps", "-q", "wide").lines().sorted().toList();
    LAB.out(M, "service", "update", "-d", "--update-parallelism", "3", "--update-delay", "2s", "--update-failure-action",
        "continue", "--update-max-failure-ratio", "0.25", "--update-monitor", "3s", "--update-order", "start-first",
        "--rollback-parallelism", "2", "--rollback-delay", "1s", "--rollback-failure-action", "continue",
        "--rollback-max-failure-ratio", "0.5", "--rollback-monitor", "4s", "--rollback-order", "start-first", "wide");
    JsonNode update = JSON.readTree(LAB.out(M, "service", "inspect", "--format", "{{json .Spec.UpdateConfig}}", "wide"));
    assertThat(update.toString()).isEqualTo("{\"Parallelism\":3,\"Delay\":2000000000,\"FailureAction\":\"continue\","
        + "\"Monitor\":3000000000,\"MaxFailureRatio\":0.25,\"Order\":\"start-first\"}");
    JsonNode rollback = JSON.readTree(LAB.out(M, "service", "inspect", "--format", "{{json .Spec.RollbackConfig}}", "wide"));
    assertThat(rollback.toString()).isEqualTo("{\"Parallelism\":2,\"Delay\":1000000000,\"FailureAction\":\"continue\","
        + "\"Monitor\":4000000000,\"MaxFailureRatio\":0.5,\"Order\":\"start-first\"}");
    assertThat(LAB.out(M, "service", "inspect", "--pretty", "wide"))
        .containsPattern("UpdateConfig:\\s+Parallelism:\\s+3\\s+Delay:\\s+2s\\s+On failure:\\s+continue"
            + "\\s+Monitoring Period: 3s\\s+Max failure ratio: 0.25\\s+Update order:\\s+start-first")
        .containsPattern("RollbackConfig:\\s+Parallelism:\\s+2\\s+Delay:\\s+1s\\s+On failure:\\s+continue"
            + "\\s+Monitoring Period: 4s\\s+Max failure ratio: 0.5\\s+Rollback order:\\s+start-first");
    assertThat(LAB.out(M, "service", "ps", "-q", "wide").lines().sorted().toList())
        .as("update settings alone replace no task").isEqualTo(tasks);
    assertThat(state("wide")).isEqualTo("completed");
  }

  private static void build(Path ctx, String base, String tag, String rest) throws IOException {
    Path dir = Files.createDirectories(ctx.resolve(tag));
    Files.writeString(dir.resolve("Dockerfile"), "FROM " + base + "\n" + rest);
    LAB.out(M, "build", "-q", "-t", repo + ":" + tag, dir.toString());
    LAB.out(M, "push", repo + ":" + tag);
  }

  /** Each task of {@code service}: id, node, created, last status time, state, desired state (to read a failure by). */
  private static String timeline(String service) {
    List<String> ids = LAB.out(M, "service", "ps", "-q", "--no-trunc", service).lines().filter(l -> !l.isBlank()).toList();
    List<String> args = new ArrayList<>(List.of("inspect", "--format",
        "{{.ID}} {{.NodeID}} {{.CreatedAt}} {{.Status.Timestamp}} {{.Status.State}} {{.DesiredState}} {{.UpdatedAt}}"));
    args.addAll(ids);
    return LAB.out(M, args.toArray(String[]::new));
  }

  /** The rollback's end state: the CLI returns once the tasks ran for its monitor, the rollback completes on its own clock. */
  private static String rolledBack(String service) throws InterruptedException {
    return await(service + "'s rollback ended", () -> state(service), s -> !s.equals("rollback_started"));
  }

  private static String state(String service) {
    return LAB.out(M, "service", "inspect", "--format", "{{.UpdateStatus.State}}", service).strip();
  }

  /** Waits until the mesh on every node answers only {@code version}. */
  private static void awaitAnswers(String version, int port) throws InterruptedException {
    await("every answer " + version, () -> answers(port, 9), r -> Set.copyOf(r).equals(Set.of(version)));
  }

  /** {@code n} requests through the mesh, spread over the nodes: the answers ("" when one failed). */
  private static List<String> answers(int port, int n) {
    List<String> nodes = List.copyOf(LAB.addresses.values());
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      try {
        out.add(get(nodes.get(i % nodes.size()), port));
      } catch (IOException e) {
        out.add("");
      }
    }
    return out;
  }

  /** One HTTP/1.0 GET of / on its own connection: the body's last line, or an exception saying what failed. */
  static String get(String address, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 3000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      if (!answer.startsWith("HTTP/1.") || !answer.contains(" 200 ")) {
        throw new IOException("answer '" + answer.lines().findFirst().orElse("") + "'");
      }
      List<String> lines = answer.strip().lines().toList();
      return lines.getLast().strip();
    }
  }

  /** A steady load through the mesh from a few clients, node after node, until told to stop (bounded in count). */
  static final class Load implements Runnable {
    static final int CLIENTS = 4;
    final List<String> nodes;
    final int port;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger sent = new AtomicInteger();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final Set<String> answers = Collections.synchronizedSet(new TreeSet<>());

    Load(List<String> nodes, int port) {
      this.nodes = nodes;
      this.port = port;
    }

    /** Runs {@code command} under this load, which starts before it and ends some requests after it. */
    Exec.Result during(java.util.function.Supplier<Exec.Result> command) throws InterruptedException {
      List<Thread> clients = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(Thread.ofPlatform().name("roll-load-" + i).start(this));
      }
      Exec.Result r;
      try {
        await("the load running", sent::get, n -> n >= 20);
        r = command.get();
        int before = sent.get();
        await("some requests after the command", sent::get, n -> n >= before + 10);
      } finally {
        stop.set(true);
        for (Thread t : clients) {
          t.join(30_000);
        }
      }
      System.out.println("requests through the mesh: " + sent.get() + ", failed: " + failures);
      if (!failures.isEmpty()) {
        System.out.println("tasks (id node created status-time state desired updated):\n" + timeline("web"));
      }
      return r;
    }

    @Override
    public void run() {
      for (int i = 0; i < 20_000 && !stop.get(); i++) {
        String node = nodes.get(i % nodes.size());
        java.time.Instant at = java.time.Instant.now();
        try {
          answers.add(get(node, port));
        } catch (IOException e) {
          failures.add("request " + i + " to " + node + " sent " + at + ": " + e);
        }
        sent.incrementAndGet();
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
