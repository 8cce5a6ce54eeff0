package io.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A plain container on an attachable overlay holds its address only while it runs, as in Docker,
 * on a two-node {@code berth lab} through the stock docker CLI: a created container (or one
 * connected while it does not run) is on the network with no address, so one run after it gets
 * the lower address; it takes one at start and reaches a service task by name; stopping it gives
 * the address back (the next container gets it, {@code network inspect} no longer lists it) and it
 * starts again with another, which it keeps while berthd is killed and started again (live
 * restore); a network whose only member is a created container can be removed, and that
 * container's start then fails naming it.
 */
class AttachmentLifetimeIT {
  private static final DrillLab lab = new DrillLab("attachlife");
  private static final String ADDRESS = "{{(index .NetworkSettings.Networks \"life\").IPAddress}}";

  @BeforeAll
  static void clean() throws Exception {
    lab.clean();
  }

  @AfterAll
  static void down() {
    lab.down();
  }

  @Test
  void aPlainContainerHoldsItsOverlayAddressOnlyWhileItRuns() throws Exception {
    lab.up(2, 1);
    DrillLab.await("both nodes ready", () -> lab.nodes("node1"),
        s -> s.lines().filter(l -> l.split(" ").length > 1 && l.split(" ")[1].equals("Ready")).count() == 2);
    String image = lab.pushBusybox("node1", "life/busybox:1");
    lab.out("node2", "pull", image);
    lab.out("node1", "network", "create", "-d", "overlay", "--attachable", "life");
    lab.out("node1", "service", "create", "--detach", "--name", "web", "--network", "life", image, "sleep", "3600");
    DrillLab.await("web's task running", () -> lab.running("node1", "web"),
        l -> l.size() == 1 && l.getFirst().endsWith(" Running"));

    // created, not started: on the network, with no address held (inspect shows none asked for)
    lab.out("node2", "create", "--name", "xray", "--network", "life", image, "sleep", "3600");
    assertThat(lab.out("node2", "inspect", "xray", "--format",
        "{{json (index .NetworkSettings.Networks \"life\").IPAMConfig}}|" + ADDRESS).strip())
        .as("a created container's membership holds no address").isEqualTo("null|");
    lab.out("node2", "run", "-d", "--name", "yankee", "--network", "life", image, "sleep", "3600");
    String ipY = address("yankee");
    lab.out("node2", "start", "xray");
    String ipX = address("xray");
    assertThat(octet(ipY)).as("yankee, run after xray was created, got the lower address (%s, xray %s)", ipY, ipX)
        .isLessThan(octet(ipX));
    assertThat(lab.out("node2", "inspect", "xray", "--format",
        "{{(index .NetworkSettings.Networks \"life\").IPAMConfig.IPv4Address}}").strip())
        .as("a running container shows the managers' address").isEqualTo(ipX);
    DrillLab.await("xray reaches web's task by name", () -> ping("xray", "tasks.web"), "ok"::equals);
    assertThat(members()).contains("xray", "yankee");

    // stopped: the address goes back, to the next container; network inspect lists running ones only
    lab.out("node2", "stop", "-t", "1", "xray");
    assertThat(address("xray")).as("a stopped container shows no address").isEmpty();
    assertThat(members()).contains("yankee").doesNotContain("xray");
    lab.out("node2", "run", "-d", "--name", "zulu", "--network", "life", image, "sleep", "3600");
    assertThat(address("zulu")).as("xray's address given back at its stop and handed out again").isEqualTo(ipX);

    // started again: another address, and the task is reachable again
    lab.out("node2", "start", "xray");
    String again = address("xray");
    assertThat(again).startsWith(ipX.substring(0, ipX.lastIndexOf('.') + 1)).isNotIn(ipX, ipY);
    DrillLab.await("xray reaches web's task again", () -> ping("xray", "tasks.web"), "ok"::equals);

    // node2's berthd killed and started again (live restore): xray kept running, and its address
    DrillLab.ok(lab.lab("kill", "node2"), "lab kill node2");
    DrillLab.ok(lab.lab("start", "node2"), "lab start node2");
    assertThat(address("xray")).as("xray keeps its address over berthd's restart").isEqualTo(again);
    DrillLab.await("xray reaches web's task after berthd's restart", () -> ping("xray", "tasks.web"), "ok"::equals);

    // network connect of a container that does not run: recorded, the address taken at its start
    lab.out("node2", "create", "--name", "victor", image, "sleep", "3600");
    // (node2's session with the managers may still be coming back: the connect asks them)
    DrillLab.await("victor connected to life", () -> lab.docker("node2", "network", "connect", "life", "victor").exit(),
        code -> code == 0);
    assertThat(address("victor")).isEmpty();
    lab.out("node2", "start", "victor");
    assertThat(address("victor")).as("another address than those held (xray's kept over the restart)")
        .startsWith(ipX.substring(0, ipX.lastIndexOf('.') + 1)).isNotIn(ipX, ipY, again);
    DrillLab.await("victor reaches web's task by name", () -> ping("victor", "tasks.web"), "ok"::equals);

    // a network whose only member is a created container holds no attachment: it can be removed,
    // and the container's start then fails naming it (the container stays, as in Docker)
    lab.out("node1", "network", "create", "-d", "overlay", "--attachable", "spare");
    lab.out("node2", "create", "--name", "whiskey", "--network", "spare", image, "sleep", "3600");
    lab.out("node1", "network", "rm", "spare");
    Exec.Result start = lab.docker("node2", "start", "whiskey");
    assertThat(start.exit()).isNotZero();
    assertThat(start.err()).contains("network spare not found");
    assertThat(lab.out("node2", "inspect", "whiskey", "--format", "{{.State.Status}}").strip()).isEqualTo("created");

    lab.out("node2", "rm", "-f", "xray", "yankee", "zulu", "victor", "whiskey");
    lab.out("node1", "service", "rm", "web");
    DrillLab.await("life removable: no attachment left", () -> lab.docker("node1", "network", "rm", "life").exit(),
        code -> code == 0);
  }

  private static String address(String container) {
    return lab.out("node2", "inspect", container, "--format", ADDRESS).strip();
  }

  /** The names {@code network inspect life} on node2 lists. */
  private static String members() {
    return lab.out("node2", "network", "inspect", "life", "--format", "{{range .Containers}}{{.Name}} {{end}}");
  }

  private static String ping(String from, String to) {
    return lab.docker("node2", "exec", from, "ping", "-c", "1", "-W", "2", to).exit() == 0 ? "ok" : "no";
  }

  private static int octet(String ip) {
    return Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
  }
}
