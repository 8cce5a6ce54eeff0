package io.berth.it;

import static io.berth.it.DrillLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The failure drills of the swarm, on one lab of five nodes (node1-3 managers, node4-5 workers)
 * driven with the stock docker CLI: a worker killed and cut off, the leader killed, every node
 * restarted, and bad input. Each drill starts from a settled swarm and leaves one; nothing here
 * measures time (the cluster benchmark does), every wait is bounded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmDrillsIT {
  static final DrillLab LAB = new DrillLab("drills");
  static final List<String> MANAGERS = List.of("node1", "node2", "node3");
  static final List<String> ALL = List.of("node1", "node2", "node3", "node4", "node5");
  static int replicas = 5;
  static long started;

  @BeforeAll
  static void up() throws Exception {
    LAB.clean();
    started = java.time.Instant.now().getEpochSecond();
    LAB.up(5, 3);
    String image = LAB.pushBusybox("node1", "drills/busybox:1");
    // a short heartbeat keeps the drills short: a node is down after 3 missed periods
    LAB.out("node1", "swarm", "update", "--dispatcher-heartbeat", "2s");
    DrillLab.ok(Exec.run(Map.of("DOCKER_HOST", LAB.hosts.get("node1"), "DOCKER_CONFIG",
        TestDaemon.BASE.resolve("lab-docker-config").toString()), null, 300, Exec.list("/usr/local/bin/docker",
        "service", "create", "--name", "web", "--replicas", "5", "--stop-grace-period", "2s", image, "sleep", "1d")),
        "service create");
  }

  @AfterAll
  static void down() {
    LAB.down();
  }

  @Test
  @Order(1)
  void aWorkerKilledAndCutOffHasItsReplicasRunElsewhereAndItsOldTasksEndWhenItReturns() throws Exception {
    String m = manager();
    assertThat(LAB.out(m, "info", "--format", "{{.Swarm.Cluster.Spec.Dispatcher.HeartbeatPeriod}}").strip())
        .as("the heartbeat period swarm update set").isEqualTo("2s");
    List<String> before = settled(m);
    Set<String> onWorker = ids(before, "node5");
    assertThat(onWorker).as("tasks on node5 in " + before).isNotEmpty();

    DrillLab.ok(LAB.lab("kill", "node5"), "lab kill node5");
    DrillLab.ok(LAB.lab("disconnect", "node5"), "lab disconnect node5");
    await("node5 down", () -> LAB.nodes(m), n -> n.contains("node5 Down"));
    List<String> moved = await("the replicas back to " + replicas + " on the other nodes", () -> LAB.running(m, "web"),
        r -> allRunning(r) && r.stream().noneMatch(l -> l.contains(" node5 ")));
    assertThat(ids(moved, null)).as("the tasks of the other nodes stay where they ran")
        .containsAll(before.stream().filter(l -> !l.contains(" node5 ")).map(l -> l.split(" ")[0]).toList())
        .doesNotContainAnyElementsOf(onWorker);

    DrillLab.ok(LAB.lab("connect", "node5"), "lab connect node5");
    DrillLab.ok(LAB.lab("start", "node5"), "lab start node5");
    await("node5 ready again", () -> LAB.nodes(m), n -> n.contains("node5 Ready"));
    for (String task : onWorker) {
      await("node5's old task " + task + " shut down", () -> LAB.docker(m, "inspect", "--format",
          "{{.DesiredState}} {{.Status.State}}", task).out().strip(), s -> s.equals("shutdown shutdown"));
    }
    await("node5's old task containers stopped", () -> LAB.containers("node5", "web"),
        c -> !c.isEmpty() && c.stream().noneMatch(l -> l.endsWith(" running")));
    assertThat(LAB.out(m, "service", "ls", "--format", "{{.Name}} {{.Replicas}}")).isEqualTo("web " + replicas + "/" + replicas + "\n");

    // every manager tells of the swarm's changes, not only the one whose API made them
    String other = MANAGERS.stream().filter(x -> !x.equals("node1") && !x.equals(m)).findFirst().orElseThrow();
    String events = LAB.out(other, "events", "--since", Long.toString(started), "--until",
        Long.toString(java.time.Instant.now().getEpochSecond() + 1), "--filter", "scope=swarm",
        "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{index .Actor.Attributes \"state.new\"}}");
    assertThat(events).as("events on " + other).contains("service create web", "node update node5 down",
        "node update node5 ready");
  }

  @Test
  @Order(2)
  void theLeaderKilledIsReplacedNothingIsLostWritesWorkAndItRejoinsAsAFollower() throws Exception {
    String asked = manager();
    List<String> before = settled(asked);
    String old = LAB.leader(asked);
    assertThat(MANAGERS).as("the leader").contains(old);
    String m = MANAGERS.stream().filter(n -> !n.equals(old)).findFirst().orElseThrow();
    List<String> services = List.of(LAB.out(m, "service", "ls", "-q").strip());

    DrillLab.ok(LAB.lab("kill", old), "lab kill " + old);
    String next = await("a new leader", () -> LAB.leader(m), l -> !l.isEmpty() && !l.equals(old));
    assertThat(MANAGERS).contains(next);
    assertThat(await("service ls answering", () -> LAB.docker(m, "service", "ls", "-q"), r -> r.exit() == 0).out().strip())
        .isEqualTo(services.getFirst());
    // the tasks of the nodes still up keep running where they ran (an election moves nothing);
    // the old leader's, once it is down, run elsewhere
    Set<String> kept = before.stream().filter(l -> !l.contains(" " + old + " ")).map(l -> l.split(" ")[0])
        .collect(Collectors.toSet());
    List<String> after = await("the replicas back to " + replicas, () -> LAB.running(m, "web"),
        r -> allRunning(r) && r.stream().noneMatch(l -> l.contains(" " + old + " ")));
    assertThat(ids(after, null)).as("no task of a live node lost or moved").containsAll(kept);

    // writes work: scale up through the new leader (retried while the leader settles)
    await("service scale accepted", () -> LAB.docker(m, "service", "scale", "--detach", "web=" + (replicas + 1)),
        r -> r.exit() == 0);
    replicas++;
    await("the scaled service running", () -> LAB.running(m, "web"), SwarmDrillsIT::allRunning);

    DrillLab.ok(LAB.lab("start", old), "lab start " + old);
    await(old + " back as a reachable follower", () -> LAB.nodes(m),
        n -> n.contains(old + " Ready Reachable") && n.contains(" Leader") && !n.contains(old + " Ready Leader"));
    await("a leader other than itself as " + old + " sees it", () -> LAB.leader(old), l -> !l.isEmpty() && !l.equals(old));
    assertThat(DrillLab.ok(LAB.lab("ls", "--format", "{{.Name}} {{.Role}}"), "lab ls").out()).contains(old + " manager");
    await(old + "'s old task containers stopped", () -> LAB.containers(old, "web"),
        c -> c.stream().noneMatch(l -> l.endsWith(" running")));
    settled(m);
  }

  @Test
  @Order(3)
  void everyNodeRestartedComesBackWithItsServicesAndAdoptsItsTaskContainers() throws Exception {
    String m = manager();
    // Docker's default period: the new leader gives inherited nodes six periods to reach it, and
    // five berthds starting at once on a small machine take a while
    LAB.out(m, "swarm", "update", "--dispatcher-heartbeat", "5s");
    List<String> tasks = settled(m);
    String services = LAB.out(m, "service", "ls", "--format", "{{.ID}} {{.Name}} {{.Mode}} {{.Replicas}}");
    Map<String, List<String>> containers = new HashMap<>();
    for (String n : ALL) {
      containers.put(n, runningContainers(n));
    }
    assertThat(containers.values().stream().mapToInt(List::size).sum()).isEqualTo(replicas);

    for (String n : ALL) {
      DrillLab.ok(LAB.lab("kill", n), "lab kill " + n);
    }
    LAB.startAll(ALL);

    await("every node ready", () -> LAB.nodes("node1"),
        n -> n.lines().filter(l -> l.contains(" Ready")).count() == ALL.size() && n.contains(" Leader"));
    assertThat(await("the services as they were", () -> LAB.docker("node1", "service", "ls", "--format",
        "{{.ID}} {{.Name}} {{.Mode}} {{.Replicas}}").out(), services::equals)).isEqualTo(services);
    // "Ready" may be the status stored before the restart: a global service running on every node
    // shows each node's agent is back in session with the leader
    LAB.out("node1", "service", "create", "--detach", "--name", "probe", "--mode", "global", "--stop-grace-period", "1s",
        LAB.out("node1", "service", "inspect", "web", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}").strip(),
        "sleep", "1d");
    await("the global probe running on every node", () -> LAB.running("node1", "probe"),
        r -> r.size() == ALL.size() && r.stream().allMatch(l -> l.endsWith(" Running")));
    LAB.out("node1", "service", "rm", "probe");
    assertThat(LAB.running("node1", "web")).as("the same tasks, running").isEqualTo(tasks);
    for (String n : ALL) {
      assertThat(runningContainers(n)).as(n + "'s task containers (id, started at, restarts): adopted, not restarted")
          .isEqualTo(containers.get(n));
    }
    LAB.out("node1", "swarm", "update", "--dispatcher-heartbeat", "2s");
  }

  @Test
  @Order(4)
  void badInputIsRefusedClearlyAndLeavesNothingHalfMade() throws Exception {
    String m = manager();
    settled(m);
    String services = LAB.out(m, "service", "ls", "--format", "{{.Name}}");

    // unknown fields of a spec, by name, and no service made
    assertThat(LAB.api(m, "POST", "/services/create", "{\"Name\":\"bad\",\"Frobnicate\":true,"
        + "\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}}}"))
        .isEqualTo("400 {\"message\":\"service spec: unknown field Frobnicate\"}");
    assertThat(LAB.api(m, "POST", "/services/create", "{\"Name\":\"bad\",\"TaskTemplate\":{\"ContainerSpec\":"
        + "{\"Image\":\"busybox\",\"Bogus\":1}},\"Mode\":{\"Replicated\":{\"Replicas\":1}}}"))
        .isEqualTo("400 {\"message\":\"service spec: unknown field TaskTemplate.ContainerSpec.Bogus\"}");
    assertThat(LAB.out(m, "service", "ls", "--format", "{{.Name}}")).isEqualTo(services);
    assertThat(LAB.docker(m, "service", "create", "--frobnicate", "busybox").err()).contains("unknown flag: --frobnicate");

    // two updates from the same read version: the second is out of sequence, the first stands
    String version = LAB.out(m, "service", "inspect", "web", "--format", "{{.Version.Index}}").strip();
    String spec = LAB.out(m, "service", "inspect", "web", "--format", "{{json .Spec}}").strip();
    String first = labelled(spec, "one");
    assertThat(LAB.api(m, "POST", "/services/web/update?version=" + version, first)).startsWith("200 ");
    assertThat(LAB.api(m, "POST", "/services/web/update?version=" + version, labelled(spec, "two")))
        .isEqualTo("409 {\"message\":\"rpc error: code = Unknown desc = update out of sequence\"}");
    assertThat(LAB.out(m, "service", "inspect", "web", "--format", "{{index .Spec.Labels \"drill\"}}").strip()).isEqualTo("one");

    // init where a swarm is; rm of a ready node; the last manager demoted (on a swarm of one, below)
    assertThat(LAB.docker("node4", "swarm", "init").err()).contains("This node is already part of a swarm. "
        + "Use \"docker swarm leave\" to leave this swarm and join another one.");
    String nodes = LAB.nodes(m);
    String node4 = LAB.out(m, "node", "inspect", "node4", "--format", "{{.ID}}").strip();
    assertThat(LAB.docker(m, "node", "rm", "node4").err()).contains("rpc error: code = FailedPrecondition desc = node "
        + node4 + " is not down and can't be removed");
    assertThat(LAB.nodes(m)).isEqualTo(nodes);

    // node5 leaves; its joins with a wrong secret, a rotated token, another CA's digest and at a
    // worker's address are refused, and it stays out of the swarm with no swarm files
    LAB.out("node5", "swarm", "leave");
    await("node5 down after leaving", () -> LAB.nodes(m), n -> n.contains("node5 Down"));
    LAB.out(m, "node", "rm", "node5"); // down: removed without --force
    int nodeCount = LAB.out(m, "node", "ls", "-q").strip().split("\n").length;
    String token = LAB.out(m, "swarm", "join-token", "-q", "worker").strip();
    String[] parts = token.split("-"); // SWMTKN, 1, CA digest, secret
    String wrongSecret = String.join("-", parts[0], parts[1], parts[2], "0".repeat(parts[3].length()));
    assertThat(join(wrongSecret, "node1")).contains("A valid join token is necessary to join this cluster");
    LAB.out(m, "swarm", "join-token", "--rotate", "-q", "worker");
    assertThat(join(token, "node1")).contains("A valid join token is necessary to join this cluster");
    String otherCa = String.join("-", parts[0], parts[1], "0" + "1".repeat(parts[2].length() - 1), parts[3]);
    assertThat(join(otherCa, "node1")).contains("remote CA does not match fingerprint");
    String fresh = LAB.out(m, "swarm", "join-token", "-q", "worker").strip();
    assertThat(join(fresh, "node4")).contains("no manager answered (" + LAB.addresses.get("node4") + ":2377)");
    assertThat(LAB.out(m, "node", "ls", "-q").strip().split("\n")).hasSize(nodeCount);

    // node5 as a swarm of its own: its last manager cannot be demoted, and its certificate is
    // refused by this cluster's managers (one of this cluster's is taken)
    LAB.out("node5", "swarm", "init", "--advertise-addr", LAB.addresses.get("node5"),
        "--listen-addr", LAB.addresses.get("node5") + ":2377");
    assertThat(LAB.docker("node5", "node", "demote", "node5").err())
        .contains("rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm");
    Exec.Result foreign = tlsTo("node1", "node5");
    assertThat(foreign.exit()).as(foreign.all()).isNotZero();
    // TLS 1.3 checks the client's certificate after the client finished its handshake: curl reads
    // the server's alert, or finds the connection the server closed after sending it (a race)
    assertThat(foreign.err()).containsAnyOf("bad certificate", "Transport endpoint is not connected",
        "Connection reset by peer");
    Exec.Result own = tlsTo("node1", "node4");
    assertThat(own.exit()).as(own.all()).isZero();
    LAB.out("node5", "swarm", "leave", "--force");

    // and with the current token node5 joins again, as a new node
    assertThat(join(fresh, "node1")).isEmpty();
    await("node5 ready again", () -> LAB.nodes(m), n -> n.contains("node5 Ready"));
  }

  /** {@code docker swarm join} of node5 at {@code at}'s address: its error ("" if it joined); a refused one leaves no swarm. */
  private static String join(String token, String at) {
    String addr = LAB.addresses.get("node5");
    Exec.Result r = LAB.docker("node5", "swarm", "join", "--token", token, "--advertise-addr", addr,
        "--listen-addr", addr + ":2377", LAB.addresses.get(at) + ":2377");
    if (r.exit() == 0) {
      return "";
    }
    assertThat(LAB.out("node5", "info", "--format", "{{.Swarm.LocalNodeState}}").strip())
        .as("node5 after a refused join: " + r.err()).isEqualTo("inactive");
    assertThat(LAB.certificates("node5")).as("node5's swarm files after a refused join").doesNotExist();
    return r.err().strip();
  }

  /** A TLS handshake with {@code target}'s dispatcher presenting {@code from}'s node certificate. */
  private static Exec.Result tlsTo(String target, String from) {
    var c = LAB.certificates(from);
    return Exec.run(Map.of(), null, 60, Exec.list("curl", "-sS", "-k", "--http2", "--max-time", "20",
        "--cert", c.resolve("swarm-node.crt").toString(), "--key", c.resolve("swarm-node.key").toString(),
        "-o", "/dev/null", "https://" + LAB.addresses.get(target) + ":2377/"));
  }

  /** The service spec JSON with the label drill={@code value}. */
  private static String labelled(String specJson, String value) throws Exception {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var spec = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(specJson);
    var labels = spec.path("Labels").isObject() ? (com.fasterxml.jackson.databind.node.ObjectNode) spec.get("Labels")
        : spec.putObject("Labels");
    labels.put("drill", value);
    return mapper.writeValueAsString(spec);
  }

  /** A manager that answers {@code node ls} now. */
  private static String manager() throws InterruptedException {
    return await("a manager answering", () -> MANAGERS.stream().filter(n -> LAB.docker(n, "node", "ls", "-q").exit() == 0)
        .findFirst().orElse(""), s -> !s.isEmpty());
  }

  /** Waits for every lab node in the swarm ready and the service's replicas running; returns its tasks. */
  private static List<String> settled(String m) throws InterruptedException {
    await("every node ready", () -> LAB.nodes(m), n -> n.lines().filter(l -> l.contains(" Ready")).count() == ALL.size());
    return await(replicas + " replicas running", () -> LAB.running(m, "web"), SwarmDrillsIT::allRunning);
  }

  private static boolean allRunning(List<String> tasks) {
    return tasks.size() == replicas && tasks.stream().allMatch(l -> l.endsWith(" Running"));
  }

  /** The task ids of {@code tasks} ("ID NODE STATE" lines), of one node or all (null). */
  private static Set<String> ids(List<String> tasks, String node) {
    return tasks.stream().filter(l -> node == null || l.split(" ")[1].equals(node)).map(l -> l.split(" ")[0])
        .collect(Collectors.toSet());
  }

  private static List<String> runningContainers(String node) {
    return LAB.containers(node, "web").stream().filter(l -> l.endsWith(" running")).toList();
  }
}
