package io.berth.it;

import static io.berth.it.DrillLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * UDP through a swarm's routing mesh and VIPs on a three-node lab, driven by the stock docker
 * CLI: a service published {@code -p PORT:53/udp} with a task on each worker answers datagrams
 * sent from the host to every node's address (node1 runs no task of it), spread over both tasks,
 * and a task on node1 reaches both through the service's VIP. The server and the in-task client
 * are {@code udp-echo} (test resources, built static with gcc), since the image's busybox has no
 * UDP tool; the host's client is a {@link DatagramSocket}, a new one (a new source port, so a new
 * conntrack entry and a new pick of the balancer) per datagram.
 */
class SwarmUdpMeshIT {
  static final DrillLab LAB = new DrillLab("udpmesh");
  static final OverlayProbe PROBE = new OverlayProbe(LAB);
  static final String M = "node1";
  static final int MESH_PORT = 28630;
  static final int N = 8;

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
  void udpAnswersThroughTheMeshOnEveryNodeAndThroughTheVip() throws Exception {
    String image = pushUdpEcho();
    LAB.out(M, "network", "create", "-d", "overlay", "front");
    String front = LAB.out(M, "network", "inspect", "--format", "{{.Id}}", "front").strip();
    LAB.out(M, "service", "create", "-d", "--name", "dns", "--network", "front", "-p", MESH_PORT + ":53/udp",
        "--replicas", "2", "--constraint", "node.role==worker", "--stop-grace-period", "1s", image,
        "udp-echo", "serve", "53");
    LAB.out(M, "service", "create", "-d", "--name", "client", "--network", "front", "--constraint",
        "node.hostname==node1", "--stop-grace-period", "1s", image, "sleep", "1d");
    for (String s : List.of("dns", "client")) {
      await(s + " running", () -> LAB.running(M, s), r -> !r.isEmpty() && r.stream().allMatch(l -> l.endsWith(" Running")));
    }
    assertThat(LAB.out(M, "service", "inspect", "--format",
        "{{range .Endpoint.Ports}}{{.Protocol}} {{.PublishedPort}}->{{.TargetPort}}{{end}}", "dns").strip())
        .isEqualTo("udp " + MESH_PORT + "->53");
    Set<String> servers = PROBE.hostnames("dns").keySet();
    assertThat(PROBE.hostnames("dns").values()).extracting(v -> v.split(" ")[0])
        .containsExactlyInAnyOrder("node2", "node3");

    for (String node : LAB.addresses.keySet()) {
      String address = LAB.addresses.get(node);
      assertThat(Set.copyOf(await("UDP through the mesh on " + node + " spread over both tasks",
          () -> hostnames(ask(address, MESH_PORT, N)), r -> Set.copyOf(r).equals(servers))))
          .isEqualTo(servers);
    }

    String client = PROBE.container("node1", "client");
    String vip = PROBE.vip(M, "dns", front);
    assertThat(vip).isNotEmpty();
    assertThat(PROBE.lookup("node1", client, "dns")).as("the name is the VIP").containsExactly(vip);
    List<String> viaVip = await("UDP through the VIP from node1 spread over both tasks",
        () -> PROBE.sh("node1", client, "udp-echo ask " + vip + " 53 " + N).out().lines()
            .filter(l -> l.startsWith("R:")).map(l -> l.substring(2).strip()).toList(),
        r -> Set.copyOf(hostnames(r)).equals(servers));
    assertThat(viaVip).as("each task sees the client task's own overlay address")
        .extracting(l -> l.split(" ")[1]).containsOnly(clientAddress(client, front));
  }

  /** The client container's address on the overlay {@code networkId}. */
  private static String clientAddress(String container, String networkId) {
    return LAB.out("node1", "inspect", "--format", "{{range .NetworkSettings.Networks}}{{if eq .NetworkID \""
        + networkId + "\"}}{{.IPAddress}}{{end}}{{end}}", container).strip();
  }

  /** The hostnames of "HOSTNAME CLIENT" answers ("" for none). */
  private static List<String> hostnames(List<String> answers) {
    return answers.stream().map(a -> a.isEmpty() ? "" : a.split(" ")[0]).toList();
  }

  /** {@code n} datagrams from the host to {@code address:port}, each from a new socket: the answers, "" when none came within 2 s. */
  private static List<String> ask(String address, int port, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      try (DatagramSocket s = new DatagramSocket()) {
        s.setSoTimeout(2000);
        byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(ping, ping.length, new InetSocketAddress(address, port)));
        DatagramPacket in = new DatagramPacket(new byte[512], 512);
        s.receive(in);
        out.add(new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII).strip());
      } catch (SocketTimeoutException e) {
        out.add("");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("UDP to " + address + ":" + port, e);
      }
    }
    return out;
  }

  /** The busybox image with {@code /bin/udp-echo} (built static from the test resource), pushed to the lab's registry. */
  private static String pushUdpEcho() throws Exception {
    Path dir = Files.createDirectories(TestDaemon.BASE.resolve("udp-echo"));
    Path base = TestDaemon.BASE.resolve("lab-busybox.tar");
    if (!Files.exists(base)) {
      DrillLab.ok(Exec.run(Map.of(), null, 120, List.of(Exec.repoRoot().resolve("scripts/mkimage-busybox.sh").toString(),
          base.toString())), "mkimage");
    }
    Path source = Exec.repoRoot().resolve("berth-it/src/test/resources/udp-echo.c");
    Files.createDirectories(dir.resolve("root/bin"));
    DrillLab.ok(Exec.run(Map.of(), null, 120, List.of("gcc", "-static", "-Os", "-o",
        dir.resolve("root/bin/udp-echo").toString(), source.toString())), "gcc -static udp-echo.c");
    Path tar = dir.resolve("udp-echo.tar");
    Files.copy(base, tar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    DrillLab.ok(Exec.run(Map.of(), null, 60, List.of("tar", "-rf", tar.toString(), "-C", dir.resolve("root").toString(),
        "--owner=0", "--group=0", "./bin/udp-echo")), "tar -r udp-echo");
    String image = DrillLab.ok(LAB.lab("registry"), "lab registry").out().strip() + "/udpmesh/echo:1";
    DrillLab.ok(LAB.docker(M, "import", "-c", "CMD [\"/bin/sh\"]", tar.toString(), image), "import");
    DrillLab.ok(LAB.docker(M, "push", image), "push");
    return image;
  }
}
