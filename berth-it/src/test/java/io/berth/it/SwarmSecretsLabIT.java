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
import org.junit.jupiter.api.Test;

/**
 * Secrets reach only the node that runs a task naming them, on a three-node {@code berth lab}
 * (node1 the manager, node2 and node3 workers): a service pinned to node2 reads its secret and
 * config there; node3 never held the payload, which a heap dump of its berthd shows (the same dump
 * of node2's berthd finds it, so the search can see it), and has no task tmpfs mounted.
 */
class SwarmSecretsLabIT {
  static final DrillLab LAB = new DrillLab("sec");
  static final String M = "node1";
  static final String PLAIN = "lab-secret-" + Long.toHexString(System.nanoTime()) + "-payload";
  static final String CONFIG = "lab-config-" + Long.toHexString(System.nanoTime());

  @BeforeAll
  static void up() throws Exception {
    LAB.clean();
    LAB.up(3, 1);
  }

  @AfterAll
  static void down() {
    LAB.down();
  }

  @Test
  void onlyTheNodeRunningTheTaskEverHoldsTheSecret() throws Exception {
    String image = LAB.pushBusybox(M, "sec/busybox:1");
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
