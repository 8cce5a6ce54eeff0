package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker node promote/demote} on a live 3-node lab: a promoted worker becomes a manager
 * that answers cluster requests itself; demoting the leader hands the lead to another manager and
 * leaves the old leader a worker that refuses cluster requests with Docker's text.
 */
class SwarmRolesIT {
  static final String LAB = "ro" + (TestDaemon.SLOT.isEmpty() ? "" : TestDaemon.SLOT.substring(2));
  private static final String WORKER_TEXT = "This node is not a swarm manager. Worker nodes can't be used to view or "
      + "modify cluster state.";

  @BeforeAll
  static void clean() throws Exception {
    LabTests.clean(LAB);
  }

  @AfterAll
  static void down() {
    LabTests.down(LAB);
  }

  @Test
  void aPromotedWorkerManagesAndADemotedLeaderHandsOverTheLead() throws Exception {
    check(LabIT.labNamed(LAB, "up", "--nodes", "3"), "lab up");
    Map<String, String> host = LabTests.hosts(LAB);
    String node1 = host.get("node1");
    String node2 = host.get("node2");
    assertThat(LabIT.docker(node2, "node", "ls").err()).contains(WORKER_TEXT);

    check(LabIT.docker(node1, "node", "promote", "node2"), "node promote node2");
    String roles = "{{.Hostname}} {{.ManagerStatus}}";
    assertThat(await(() -> LabIT.docker(node2, "node", "ls", "--format", roles).out(),
        "node1 Leader\nnode2 Reachable\nnode3 \n")).isEqualTo("node1 Leader\nnode2 Reachable\nnode3 \n");

    // a worker keeps the managers it is told about, so after a restart it finds them all
    java.nio.file.Path worker = LabIT.ROOT.resolve(LAB).resolve("node3/data/swarm/state.json");
    String node2Addr = LabIT.docker(node1, "node", "inspect", "node2", "--format", "{{.ManagerStatus.Addr}}").out().strip();
    assertThat(await(() -> read(worker).contains("\"" + node2Addr + "\"") ? "known" : read(worker), "known"))
        .isEqualTo("known");

    check(LabIT.docker(node1, "node", "demote", "node1"), "node demote node1");
    assertThat(await(() -> LabIT.docker(node2, "node", "ls", "--format", roles).out(),
        "node1 \nnode2 Leader\nnode3 \n")).isEqualTo("node1 \nnode2 Leader\nnode3 \n");
    assertThat(await(() -> LabIT.docker(node1, "node", "ls").err().contains(WORKER_TEXT) ? "worker" : "manager",
        "worker")).isEqualTo("worker");
    assertThat(LabIT.docker(node2, "info", "--format", "{{.Swarm.ControlAvailable}} {{.Swarm.Managers}}").out())
        .isEqualTo("true 1\n");

    check(LabIT.labNamed(LAB, "down"), "lab down");
  }

  private static String read(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static String await(Supplier<String> read, String expected) throws InterruptedException {
    return LabTests.await(read, expected, Duration.ofSeconds(120));
  }
}
