package io.berth.it;

import static io.berth.it.DrillLab.await;
import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Secrets reach only the node that runs a task naming them, on a three-node {@code berth lab}
 * (node1 and node2 managers, node2 joined as one and so handed the secrets key, node3 a worker):
 * a service pinned to node2 reads its secret and
 * config there; node3 never held the payload, which a heap dump of its berthd shows (the same dump
 * of node2's berthd finds it, so the search can see it), and has no task tmpfs mounted. Then node3,
 * promoted, is handed the secrets key with its place in the Raft group (a secret it creates opens
 * on the leader, for node2's task); with autolock both managers' key files are sealed, and node3
 * restarted is locked, refusing secrets, until unlocked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmSecretsLabIT {
  static final DrillLab LAB = new DrillLab("sec");
  static final String M = "node1";
  static final String PLAIN = "lab-secret-" + Long.toHexString(System.nanoTime()) + "-payload";
  static final String CONFIG = "lab-config-" + Long.toHexString(System.nanoTime());

  @BeforeAll
  static void up() throws Exception {
    LAB.clean();
    LAB.up(3, 2);
  }

  @AfterAll
  static void down() {
    LAB.down();
  }

  @Test
  @Order(1)
  void onlyTheNodeRunningTheTaskEverHoldsTheSecret() throws Exception {
    String image = LAB.pushBusybox(M, "sec/busybox:1");
    Path certs = LabIT.ROOT.resolve("sec");
    assertThat(certs.resolve("node1/data/swarm/certificates/swarm-secrets.key")).exists();
    assertThat(certs.resolve("node2/data/swarm/certificates/swarm-secrets.key")).as("a manager that joined").exists();
    assertThat(certs.resolve("node3/data/swarm/certificates/swarm-secrets.key")).as("a worker").doesNotExist();
    await("three ready nodes", () -> LAB.nodes(M), n -> n.lines().filter(l -> l.contains(" Ready")).count() == 3);
    check(Exec.run(Map.of("DOCKER_HOST", LAB.hosts.get(M)), PLAIN.getBytes(StandardCharsets.UTF_8), 60,
        Exec.list("/usr/local/bin/docker", "secret", "create", "lab_pw", "-")), "secret create");
    check(Exec.run(Map.of("DOCKER_HOST", LAB.hosts.get(M)), CONFIG.getBytes(StandardCharsets.UTF_8), 60,
        Exec.list("/usr/local/bin/docker", "config", "create", "lab_conf", "-")), "config create");
    LAB.out(M, "service", "create", "-d", "--name", "vault", "--constraint", "node.hostname==node2",
        "--secret", "source=lab_pw,target=pw,mode=0400", "--config", "source=lab_conf,target=/etc/lab.conf",
        image, "sleep", "1000");
    await("the task running on node2", () -> LAB.running(M, "vault"),
        r -> r.size() == 1 && r.getFirst().endsWith(" node2 Running"));
    String container = await("its container on node2", () -> LAB.out("node2", "ps", "-q", "--filter",
        "label=com.docker.swarm.service.name=vault").strip(), c -> !c.isEmpty());
    assertThat(LAB.out("node2", "exec", container, "cat", "/run/secrets/pw")).isEqualTo(PLAIN);
    assertThat(LAB.out("node2", "exec", container, "cat", "/etc/lab.conf")).isEqualTo(CONFIG);

    Map<String, Long> pids = pids();
    Path dumps = Files.createDirectories(TestDaemon.BASE.resolve("sec-dumps"));
    assertThat(heapHolds(pids.get("node2"), dumps.resolve("node2.hprof"), PLAIN)).as("node2's heap").isTrue();
    assertThat(heapHolds(pids.get("node3"), dumps.resolve("node3.hprof"), PLAIN)).as("node3's heap").isFalse();
    assertThat(heapHolds(pids.get("node3"), dumps.resolve("node3.hprof"), CONFIG)).as("node3's heap").isFalse();
    Path node3Files = LabIT.ROOT.resolve("sec").resolve("node3");
    assertThat(Exec.sh("grep -c '" + node3Files + ".*task-files' /proc/mounts").out().strip()).isEqualTo("0");
    assertThat(Exec.sh("grep -c '" + LabIT.ROOT.resolve("sec").resolve("node2") + ".*task-files' /proc/mounts").out()
        .strip()).isEqualTo("1");
  }

  @Test
  @Order(2)
  void aPromotedManagerGetsTheKeyAndAutolockSealsIt() throws Exception {
    LAB.out(M, "node", "promote", "node3");
    Path node3Key = LabIT.ROOT.resolve("sec").resolve("node3").resolve("data/swarm/certificates/swarm-secrets.key");
    await("node3 holding the secrets key", () -> Files.exists(node3Key), Boolean::booleanValue);
    await("node3 a reachable manager", () -> LAB.nodes(M), n -> n.contains("node3 Ready Reachable"));
    await("node3 acting as a manager", () -> LAB.docker("node3", "info", "--format", "{{.Swarm.ControlAvailable}}")
        .out().strip(), "true"::equals);
    String second = "second-" + PLAIN;
    check(Exec.run(Map.of("DOCKER_HOST", LAB.hosts.get("node3")), second.getBytes(StandardCharsets.UTF_8), 60,
        Exec.list("/usr/local/bin/docker", "secret", "create", "lab_pw2", "-")), "secret create on node3");
    LAB.out("node3", "service", "update", "-d", "--secret-add", "source=lab_pw2,target=pw2", "vault");
    String read = await("node2's new task reading the secret node3 sealed", () -> {
      String c = LAB.out("node2", "ps", "-q", "--filter", "label=com.docker.swarm.service.name=vault").strip();
      return c.isEmpty() || c.contains("\n") ? "" : LAB.docker("node2", "exec", c, "cat", "/run/secrets/pw2").out();
    }, second::equals);
    assertThat(read).isEqualTo(second);

    LAB.out(M, "swarm", "update", "--autolock=true");
    String unlockKey = LAB.out(M, "swarm", "unlock-key", "-q").strip();
    Path node1Key = LabIT.ROOT.resolve("sec").resolve("node1").resolve("data/swarm/certificates/swarm-secrets.key");
    for (Path keyFile : List.of(node1Key, node3Key)) {
      await(keyFile + " sealed under the unlock key", () -> firstLine(keyFile), "berth-secrets-key-1 sealed"::equals);
    }
    check(LAB.lab("kill", "node3"), "lab kill node3");
    check(LAB.lab("start", "node3"), "lab start node3");
    assertThat(LAB.docker("node3", "secret", "ls").err()).contains("Swarm is encrypted and needs to be unlocked");
    check(Exec.run(Map.of("DOCKER_HOST", LAB.hosts.get("node3")), (unlockKey + "\n").getBytes(StandardCharsets.US_ASCII),
        60, Exec.list("/usr/local/bin/docker", "swarm", "unlock")), "swarm unlock");
    String third = "third-" + PLAIN;
    await("node3 unlocked and creating a secret", () -> Exec.run(Map.of("DOCKER_HOST", LAB.hosts.get("node3")),
        third.getBytes(StandardCharsets.UTF_8), 60, Exec.list("/usr/local/bin/docker", "secret", "create", "lab_pw3",
            "-")).exit(), rc -> rc == 0);
    assertThat(LAB.out(M, "secret", "ls", "--format", "{{.Name}}")).isEqualTo("lab_pw\nlab_pw2\nlab_pw3\n");
  }

  private static String firstLine(Path file) {
    try {
      return Files.readAllLines(file).getFirst();
    } catch (java.io.IOException | java.util.NoSuchElementException e) {
      return "unreadable: " + e;
    }
  }

  private static Map<String, Long> pids() {
    Map<String, Long> out = new java.util.HashMap<>();
    for (String line : DrillLab.ok(LAB.lab("ls", "--format", "{{.Name}} {{.Pid}}"), "lab ls").out().strip().split("\n")) {
      String[] f = line.split(" ");
      out.put(f[0], Long.parseLong(f[1]));
    }
    return out;
  }

  /** Whether a heap dump (live objects) of the berthd at {@code pid} contains {@code needle}'s bytes. */
  private static boolean heapHolds(long pid, Path file, String needle) throws Exception {
    Files.deleteIfExists(file);
    check(Exec.run(Map.of(), null, 300, List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid), "GC.heap_dump", file.toString())), "heap dump of " + pid);
    Exec.Result grep = Exec.run(Map.of(), null, 300, List.of("grep", "-c", "-a", "-F", needle, file.toString()));
    Files.deleteIfExists(file);
    return grep.exit() == 0;
  }
}
