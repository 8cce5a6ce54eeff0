package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An attachable overlay takes {@code docker run --network} containers on any node of a three
 * node {@code berth lab}, through the stock docker CLI: containers on two workers reach each
 * other by address and by name, a non-attachable overlay is refused with Docker's text, and
 * {@code docker rm -f} gives the address back (the next container gets it, and the network can
 * be removed once its containers are gone), and so does the removal of a node gone for good
 * ({@code node rm --force} of a killed node: the managers reap its containers' attachments).
 * A container removed while the managers were out of reach has its address given back by its
 * node once they are back. {@code docker events} on the manager tells of the swarm networks
 * made and removed.
 */
class AttachableOverlayIT {
  static final String LAB = LabTests.name("attach");

  @BeforeAll
  static void clean() throws Exception {
    LabTests.clean(LAB);
  }

  @AfterAll
  static void down() {
    LabTests.down(LAB);
  }

  @Test
  void plainContainersOnTwoWorkersShareAnAttachableOverlay() throws Exception {
    java.time.Instant t0 = java.time.Instant.now();
    check(LabIT.labNamed(LAB, "up", "--nodes", "3"), "lab up");
    Map<String, String> host = LabTests.hosts(LAB);
    String manager = host.get("node1");
    String node2 = host.get("node2");
    String node3 = host.get("node3");
    assertThat(LabTests.await(() -> docker(manager, "node", "ls", "--format", "{{.Status}}").out(),
        "Ready\nReady\nReady\n", Duration.ofSeconds(90))).isEqualTo("Ready\nReady\nReady\n");

    String image = LabIT.labNamed(LAB, "registry").out().strip() + "/attach/busybox:1";
    Path tar = TestDaemon.BASE.resolve("lab-busybox.tar");
    if (!Files.exists(tar)) {
      check(Exec.run(Map.of(), null, 120, List.of(Exec.repoRoot().resolve("scripts/mkimage-busybox.sh").toString(),
          tar.toString())), "mkimage");
    }
    check(docker(manager, "import", "-c", "CMD [\"/bin/sh\"]", tar.toString(), image), "import");
    check(docker(manager, "push", image), "push");
    check(docker(node2, "pull", image), "pull on node2");
    check(docker(node3, "pull", image), "pull on node3");

    check(docker(manager, "network", "create", "-d", "overlay", "--attachable", "net"), "attachable overlay");
    check(docker(manager, "network", "create", "-d", "overlay", "plain"), "plain overlay");
    // the swarm networks' lives as docker events tells them on the manager: scope swarm, by name
    assertThat(awaitEvent(manager, t0, "create plain swarm")).contains("create net swarm").doesNotContain("net local");

    // a non-attachable overlay (and ingress) refuses a plain container, with Docker's text, leaving nothing
    Exec.Result refused = docker(node2, "run", "-d", "--network", "plain", "--name", "pp", image, "sleep", "600");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("Could not attach to network plain: rpc error: code = PermissionDenied"
        + " desc = network plain not manually attachable");
    assertThat(docker(node2, "ps", "-aq", "--filter", "name=pp").out().strip()).isEmpty();
    assertThat(docker(node2, "run", "-d", "--network", "ingress", image, "sleep", "600").err())
        .contains("network ingress not manually attachable");
    assertThat(docker(node2, "run", "-d", "--network", "nosuch", image, "sleep", "600").err())
        .contains("network nosuch not found");

    // two workers, one container each on the attachable overlay
    check(docker(node2, "run", "-d", "--network", "net", "--name", "alpha", image, "sleep", "600"), "run a on node2");
    check(docker(node3, "run", "-d", "--network", "net", "--name", "bravo", image, "sleep", "600"), "run b on node3");
    String ipA = address(node2, "alpha");
    String ipB = address(node3, "bravo");
    assertThat(ipA).matches("10\\.0\\.\\d+\\.\\d+").isNotEqualTo(ipB);
    assertThat(docker(node2, "exec", "alpha", "ip", "-o", "-4", "addr", "show", "eth0").out()).contains(ipA + "/");

    // they reach each other by address, and by name, across the nodes
    assertThat(await(() -> ping(node3, "bravo", ipA), "ok")).as("b on node3 pings a's address").isEqualTo("ok");
    assertThat(await(() -> ping(node2, "alpha", ipB), "ok")).as("a on node2 pings b's address").isEqualTo("ok");
    assertThat(await(() -> ping(node3, "bravo", "alpha"), "ok")).as("b resolves a's name").isEqualTo("ok");
    assertThat(await(() -> ping(node2, "alpha", "bravo"), "ok")).as("a resolves b's name").isEqualTo("ok");

    // the network is in use by the attachments; rm -f frees a's address, taken by the next container
    assertThat(docker(manager, "network", "rm", "net").err()).contains("is in use by task");
    check(docker(node2, "rm", "-f", "alpha"), "rm -f a");
    check(docker(node3, "run", "-d", "--network", "net", "--name", "charlie", image, "sleep", "600"), "run c on node3");
    assertThat(address(node3, "charlie")).as("a's address given back and handed out again").isEqualTo(ipA);

    // network connect / disconnect of a container made elsewhere
    check(docker(node2, "run", "-d", "--name", "delta", image, "sleep", "600"), "run d on node2's bridge");
    check(docker(node2, "network", "connect", "net", "delta"), "network connect");
    String ipD = address(node2, "delta");
    assertThat(await(() -> ping(node3, "bravo", ipD), "ok")).as("b pings the connected d").isEqualTo("ok");
    check(docker(node2, "network", "disconnect", "net", "delta"), "network disconnect");

    // a container removed while the managers are out of reach (the manager's berthd killed: its
    // detach fails): once they are back, node2's sweep gives the address back (after its grace
    // period) and the next container gets it
    check(docker(node2, "run", "-d", "--network", "net", "--name", "foxtrot", image, "sleep", "600"), "run f on node2");
    String ipF = address(node2, "foxtrot");
    check(LabIT.labNamed(LAB, "kill", "node1"), "lab kill node1");
    check(docker(node2, "rm", "-f", "foxtrot"), "rm -f f while the manager is down");
    check(LabIT.labNamed(LAB, "start", "node1"), "lab start node1");
    assertThat(LabTests.await(() -> docker(manager, "node", "ls", "--format", "{{.Status}}").out(),
        "Ready\nReady\nReady\n", Duration.ofSeconds(120))).isEqualTo("Ready\nReady\nReady\n");
    String again = "";
    for (int i = 0; i < 60 && !again.equals(ipF); i++) {
      docker(node3, "rm", "-f", "golf");
      // node3's session may still be finding the restarted manager: a refused attach is tried again
      again = docker(node3, "run", "-d", "--network", "net", "--name", "golf", image, "sleep", "600").exit() == 0
          ? address(node3, "golf") : "";
      Thread.sleep(3000);
    }
    assertThat(again).as("f's address given back by node2's sweep and handed out again").isEqualTo(ipF);
    check(docker(node3, "rm", "-f", "golf"), "rm -f g");

    // node3 gone for good (berthd killed, node rm --force): its containers' addresses (b, c) are freed
    check(LabIT.labNamed(LAB, "kill", "node3"), "lab kill node3");
    check(docker(manager, "node", "rm", "--force", "node3"), "node rm --force node3");
    String freed = "";
    for (int i = 0; i < 30 && !freed.equals(ipA) && !freed.equals(ipB); i++) {
      docker(node2, "rm", "-f", "echo");
      check(docker(node2, "run", "-d", "--network", "net", "--name", "echo", image, "sleep", "600"), "run e on node2");
      freed = address(node2, "echo");
      Thread.sleep(1000);
    }
    assertThat(freed).as("the lowest address, one of the removed node's, handed out again").isIn(ipA, ipB);

    check(docker(node2, "rm", "-f", "echo"), "rm -f e");
    assertThat(LabTests.await(() -> String.valueOf(docker(manager, "network", "rm", "net").exit()), "0",
        Duration.ofSeconds(30))).as("no attachment left: the network is removed").isEqualTo("0");

    // (the manager's restart above dropped the events it kept: only the removal is still there)
    assertThat(awaitEvent(manager, t0, "remove net swarm")).doesNotContain("net local");
    check(LabIT.labNamed(LAB, "down"), "lab down");
  }

  private static String address(String dockerHost, String container) {
    Exec.Result r = docker(dockerHost, "inspect", container, "--format",
        "{{(index .NetworkSettings.Networks \"net\").IPAddress}}");
    check(r, "inspect " + container);
    return r.out().strip();
  }

  /** The manager's network events since {@code t0} ("ACTION NAME SCOPE" lines) once they include {@code line}. */
  private static String awaitEvent(String manager, java.time.Instant t0, String line) throws InterruptedException {
    Supplier<String> events = () -> docker(manager, "events", "--since", Long.toString(t0.getEpochSecond()), "--until",
        Long.toString(java.time.Instant.now().getEpochSecond() + 1), "--filter", "type=network", "--format",
        "{{.Action}} {{.Actor.Attributes.name}} {{.Scope}}").out();
    String seen = events.get();
    for (int i = 0; i < 30 && !seen.contains(line); i++) {
      Thread.sleep(500);
      seen = events.get();
    }
    assertThat(seen).as("network events of the manager").contains(line);
    return seen;
  }

  private static String ping(String dockerHost, String from, String to) {
    return docker(dockerHost, "exec", from, "ping", "-c", "1", "-W", "2", to).exit() == 0 ? "ok" : "no";
  }

  private static String await(Supplier<String> read, String expected) throws InterruptedException {
    return LabTests.await(read, expected, Duration.ofSeconds(60));
  }

  private static Exec.Result docker(String dockerHost, String... args) {
    return LabIT.docker(dockerHost, args);
  }
}
