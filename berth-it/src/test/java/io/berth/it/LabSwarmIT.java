package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The swarm {@code berth lab up} forms by default: three nodes, node1 the manager that inits
 * and the others joined as workers; the stock docker CLI sees the three nodes and spreads a
 * service's three replicas over them; the berth CLI shows the same; a node killed and started
 * again, and one cut off the lab bridge and put back, return to the swarm.
 */
class LabSwarmIT {
  static final String LAB = "sw" + (TestDaemon.SLOT.isEmpty() ? "" : TestDaemon.SLOT.substring(2));

  @BeforeAll
  static void clean() throws Exception {
    LabTests.clean(LAB);
  }

  @AfterAll
  static void down() {
    LabTests.down(LAB);
  }

  @Test
  void threeNodeSwarmSpreadsAServiceAndTakesNodesBack() throws Exception {
    check(lab("up", "--nodes", "3"), "lab up");
    Map<String, String> host = new HashMap<>();
    for (String line : ok(lab("ls", "--format", "{{.Name}} {{.Role}} {{.DockerHost}}"), "lab ls").out().strip().split("\n")) {
      String[] f = line.split(" ");
      host.put(f[0], f[2]);
      assertThat(f[1]).as(f[0] + "'s role").isEqualTo(f[0].equals("node1") ? "leader" : "worker");
    }
    String manager = host.get("node1");

    // docker node ls on the manager: the three nodes, ready, node1 the leader and this node
    assertThat(await(() -> docker(manager, "node", "ls", "--format", "{{.Hostname}} {{.Status}} {{.ManagerStatus}} {{.Self}}").out(),
        "node1 Ready Leader true\nnode2 Ready  false\nnode3 Ready  false\n"))
        .isEqualTo("node1 Ready Leader true\nnode2 Ready  false\nnode3 Ready  false\n");

    // an image in the lab registry every node pulls from
    String image = ok(lab("registry"), "lab registry").out().strip() + "/swarm/busybox:1";
    Path tar = TestDaemon.BASE.resolve("lab-busybox.tar");
    if (!Files.exists(tar)) {
      check(Exec.run(Map.of(), null, 120, List.of(Exec.repoRoot().resolve("scripts/mkimage-busybox.sh").toString(), tar.toString())), "mkimage");
    }
    check(docker(manager, "import", "-c", "CMD [\"/bin/sh\"]", tar.toString(), image), "import");
    check(docker(manager, "push", image), "push");

    // docker service create waits for convergence; service ps shows one task on each node
    check(Exec.run(Map.of("DOCKER_HOST", manager), null, 300, Exec.list("/usr/local/bin/docker", "service", "create", "--name", "web",
        "--replicas", "3", image, "sleep", "3600")), "service create");
    String ps = docker(manager, "service", "ps", "web", "--format", "{{.Name}} {{.Node}} {{.DesiredState}} {{.CurrentState}}").out();
    List<String> rows = ps.strip().lines().toList();
    assertThat(rows).as(ps).hasSize(3);
    assertThat(rows).extracting(r -> r.split(" ")[0]).containsExactly("web.1", "web.2", "web.3");
    assertThat(rows).extracting(r -> r.split(" ")[1]).as(ps).containsExactlyInAnyOrder("node1", "node2", "node3");
    assertThat(rows).allSatisfy(r -> assertThat(r).contains("Running Running"));

    // the berth CLI shows the same swarm
    assertThat(berth(manager, "service", "ls", "--format", "{{.Name}} {{.Mode}} {{.Replicas}}").out()).isEqualTo("web replicated 3/3\n");
    assertThat(berth(manager, "node", "ls", "-q").out().strip().lines().count()).isEqualTo(3);

    // kill -9 of a worker's berthd and start again: it is back in the swarm, ready
    check(lab("kill", "node3"), "lab kill node3");
    check(lab("start", "node3"), "lab start node3");
    assertThat(await(() -> docker(manager, "node", "ls", "--filter", "name=node3", "--format", "{{.Status}}").out(), "Ready\n"))
        .isEqualTo("Ready\n");
    assertThat(ok(lab("ls", "--format", "{{.Name}} {{.Role}}"), "lab ls").out()).contains("node3 worker");

    // a worker cut off the lab bridge goes down; put back, it is ready again
    check(lab("disconnect", "node2"), "lab disconnect node2");
    assertThat(ok(lab("ls", "--format", "{{.Name}} {{.Connected}}"), "lab ls").out()).contains("node2 false");
    assertThat(await(() -> docker(manager, "node", "ls", "--filter", "name=node2", "--format", "{{.Status}}").out(), "Down\n"))
        .isEqualTo("Down\n");
    check(lab("connect", "node2"), "lab connect node2");
    assertThat(await(() -> docker(manager, "node", "ls", "--filter", "name=node2", "--format", "{{.Status}}").out(), "Ready\n"))
        .isEqualTo("Ready\n");
    assertThat(await(() -> berth(manager, "service", "ls", "--format", "{{.Replicas}}").out(), "3/3\n")).isEqualTo("3/3\n");

    check(lab("down"), "lab down");
  }

  private static String await(Supplier<String> read, String expected) throws InterruptedException {
    return LabTests.await(read, expected, Duration.ofSeconds(90));
  }

  /** {@code r} after checking it succeeded. */
  private static Exec.Result ok(Exec.Result r, String what) {
    check(r, what);
    return r;
  }

  private static Exec.Result lab(String verb, String... args) {
    return LabIT.labNamed(LAB, verb, args);
  }

  private static Exec.Result docker(String dockerHost, String... args) {
    return LabIT.docker(dockerHost, args);
  }

  private static Exec.Result berth(String dockerHost, String... args) {
    List<String> cmd = Exec.list(Exec.repoRoot().resolve("bin/berth").toString(), "-H", dockerHost);
    cmd.addAll(Arrays.asList(args));
    return Exec.run(Map.of(), null, 120, cmd);
  }
}
