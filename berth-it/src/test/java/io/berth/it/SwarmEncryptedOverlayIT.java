package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker network create -d overlay --opt encrypted} on a two-node {@code berth lab},
 * through the stock docker CLI: a marker sent from a task on node1 to a task on node2 over the
 * encrypted overlay arrives, and the lab bridge, captured during the transfer, carries neither
 * the marker nor any VXLAN datagram between the nodes, only sealed ones (UDP 4790). The same
 * transfer over a plain overlay, captured the same way, shows the marker inside VXLAN: the
 * capture can see it when it is there.
 */
class SwarmEncryptedOverlayIT {
  private static final String LAB = LabTests.name("seal");
  private static final DrillLab lab = new DrillLab(LAB);

  @BeforeAll
  static void up() throws Exception {
    lab.clean();
    lab.up(2, 1);
  }

  @AfterAll
  static void down() {
    lab.down();
  }

  @Test
  void anEncryptedOverlayCarriesTrafficBetweenNodesOnlySealed() throws Exception {
    String image = lab.pushBusybox("node1", "seal/busybox:1");
    lab.out("node1", "network", "create", "-d", "overlay", "--opt", "encrypted", "sec");
    lab.out("node1", "network", "create", "-d", "overlay", "plain");
    assertThat(lab.out("node1", "network", "inspect", "sec", "--format", "{{.Options}}")).contains("encrypted");

    // a listener per network on node2, a sender on both networks on node1
    for (String net : List.of("sec", "plain")) {
      lab.out("node1", "service", "create", "--detach", "--name", "rx-" + net, "--network", net,
          "--constraint", "node.hostname==node2", image,
          "sh", "-c", "while true; do nc -l -p 7000 >> /tmp/got; done");
    }
    lab.out("node1", "service", "create", "--detach", "--name", "tx", "--network", "sec", "--network", "plain",
        "--constraint", "node.hostname==node1", image, "sleep", "3600");
    for (String svc : List.of("rx-sec", "rx-plain", "tx")) {
      DrillLab.await(svc + " running", () -> lab.running("node1", svc),
          rows -> rows.size() == 1 && rows.getFirst().endsWith(" Running"));
    }
    String tx = container("node1", "tx");
    String node1 = lab.addresses.get("node1");
    String node2 = lab.addresses.get("node2");

    // encrypted: the marker arrives; the wire shows sealed datagrams only
    String sealedMarker = "SEALED-" + Long.toHexString(System.nanoTime()) + "-MARKER";
    Capture sealed = Capture.start(bridge(), node1, node2, TestDaemon.BASE.resolve("seal-sec.pcap"));
    sendUntilArrived(tx, "rx-sec", sealedMarker);
    byte[] sealedWire = sealed.stop();
    assertThat(Capture.count(sealed.file, "udp port 4790")).as("sealed datagrams between the nodes").isPositive();
    assertThat(Capture.count(sealed.file, "udp port 4789")).as("VXLAN in clear between the nodes").isZero();
    assertThat(Bytes.contains(sealedWire, sealedMarker)).as("the marker on the wire of the encrypted overlay").isFalse();

    // plain: the same transfer shows the marker inside VXLAN
    String plainMarker = "PLAIN-" + Long.toHexString(System.nanoTime()) + "-MARKER";
    Capture plain = Capture.start(bridge(), node1, node2, TestDaemon.BASE.resolve("seal-plain.pcap"));
    sendUntilArrived(tx, "rx-plain", plainMarker);
    byte[] plainWire = plain.stop();
    assertThat(Capture.count(plain.file, "udp port 4789")).as("VXLAN of the plain overlay").isPositive();
    assertThat(Bytes.contains(plainWire, plainMarker)).as("the marker on the wire of the plain overlay").isTrue();

    // key rotation (berth swarm update --network-key-rotation 1s): traffic between the tasks keeps
    // flowing while the primary key moves on at least twice on both nodes
    int before = primaryKey("node2");
    DrillLab.ok(berth("node1", "swarm", "update", "--network-key-rotation", "1s"), "swarm update --network-key-rotation");
    for (int i = 0; i < 60 && Math.min(primaryKey("node1"), primaryKey("node2")) < before + 2; i++) {
      sendUntilArrived(tx, container("node2", "rx-sec"), "rx-sec", "ROTATING-" + i + "-" + Long.toHexString(System.nanoTime()));
    }
    assertThat(Math.min(primaryKey("node1"), primaryKey("node2"))).as("both nodes seal with a key two rotations on")
        .isGreaterThanOrEqualTo(before + 2);
    DrillLab.ok(berth("node1", "swarm", "update", "--network-key-rotation", "12h"), "swarm update back to 12h");
    sendUntilArrived(tx, container("node2", "rx-sec"), "rx-sec", "ROTATED-" + Long.toHexString(System.nanoTime()));

    // a node that leaves its last encrypted overlay closes its seal (no task on sec on node2 any more)
    lab.out("node1", "service", "rm", "rx-sec");
    DrillLab.await("node2's seal closed", () -> links("node2"), l -> !l.contains("seal-"));

    // plain containers (docker run --network) on an encrypted attachable overlay: sealed as tasks are
    lab.out("node1", "network", "create", "-d", "overlay", "--opt", "encrypted", "--attachable", "asec");
    lab.out("node2", "run", "-d", "--name", "arx", "--network", "asec", image,
        "sh", "-c", "while true; do nc -l -p 7000 >> /tmp/got; done");
    lab.out("node1", "run", "-d", "--name", "atx", "--network", "asec", image, "sleep", "3600");
    assertThat(links("node2")).as("node2's seal open again for its plain container").contains("seal-");
    String attachedMarker = "ATTACHED-" + Long.toHexString(System.nanoTime()) + "-MARKER";
    Capture attached = Capture.start(bridge(), node1, node2, TestDaemon.BASE.resolve("seal-asec.pcap"));
    sendUntilArrived("atx", "arx", "arx", attachedMarker);
    byte[] attachedWire = attached.stop();
    assertThat(Capture.count(attached.file, "udp port 4790")).as("sealed datagrams between the containers").isPositive();
    assertThat(Capture.count(attached.file, "udp port 4789")).as("VXLAN in clear").isZero();
    assertThat(Bytes.contains(attachedWire, attachedMarker)).as("the marker on the wire").isFalse();
  }

  /** The key id node's seal last said it seals with (its berthd log), 0 before any. */
  private static int primaryKey(String node) {
    try {
      Matcher m = Pattern.compile("\\(sealing with (\\d+)\\)").matcher(
          Files.readString(LabIT.ROOT.resolve(LAB).resolve(node).resolve("berthd.log")));
      int last = 0;
      while (m.find()) {
        last = Integer.parseInt(m.group(1));
      }
      return last;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** berth's own CLI against a lab node. */
  private static Exec.Result berth(String node, String... args) {
    return Exec.run(java.util.Map.of("BERTH_HOST", lab.hosts.get(node), "DOCKER_HOST", lab.hosts.get(node)), null, 120,
        Exec.list(Exec.repoRoot().resolve("bin/berth").toString(), args));
  }

  /** The id of the one task container of {@code service} on {@code node}. */
  private static String container(String node, String service) throws InterruptedException {
    return DrillLab.await(service + "'s container on " + node, () -> lab.out(node, "ps", "-q", "--filter",
        "label=com.docker.swarm.service.name=" + service).strip(), id -> !id.isEmpty() && !id.contains("\n"));
  }

  /**
   * Sends {@code marker} from container {@code tx} to the service's name until the service's
   * container on node2 got it (names and forwarding settle a moment after the tasks run).
   */
  private static void sendUntilArrived(String tx, String service, String marker) throws InterruptedException {
    sendUntilArrived(tx, container("node2", service), service, marker);
  }

  /** As above, to container {@code rx} on node2 by the name {@code target}. */
  private static void sendUntilArrived(String tx, String rx, String target, String marker) throws InterruptedException {
    DrillLab.await(marker + " at " + target, () -> {
      lab.docker("node1", "exec", tx, "sh", "-c", "echo " + marker + " | timeout 3 nc " + target + " 7000");
      return lab.docker("node2", "exec", rx, "cat", "/tmp/got").out();
    }, got -> got.contains(marker));
  }

  /**
   * The names of a lab node's links, one a line (only the names: a veth's line also names its
   * peer's namespace, and the lab's switch namespace, berth-lab-seal-wire, holds "seal-").
   */
  private static String links(String node) {
    return Exec.run(java.util.Map.of(), null, 30, List.of("ip", "-n", "berth-lab-" + LAB + "-" + node, "-br", "link"))
        .out().lines().map(l -> l.split("[\\s@]")[0]).collect(java.util.stream.Collectors.joining("\n"));
  }

  /** The lab's bridge, in its switch's namespace, where every datagram between the nodes passes. */
  private static String bridge() throws IOException {
    String state = Files.readString(LabIT.ROOT.resolve(LAB).resolve("lab.json"));
    Matcher m = Pattern.compile("\"(blab\\d+)\"").matcher(state);
    assertThat(m.find()).as("the lab bridge in " + state).isTrue();
    return m.group(1);
  }

  /** tcpdump on the lab bridge (in the switch's namespace) of the datagrams between two nodes, written to a file. */
  private record Capture(Process process, Path file) {
    static Capture start(String bridge, String a, String b, Path file) throws IOException, InterruptedException {
      Files.deleteIfExists(file);
      Path err = file.resolveSibling(file.getFileName() + ".err");
      Process p = new ProcessBuilder("ip", "netns", "exec", "berth-lab-" + LAB + "-wire", "tcpdump", "-i", bridge,
          "-n", "-U", "--immediate-mode", "-s", "0", "-w", file.toString(),
          "host " + a + " and host " + b).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      for (int i = 0; i < 200 && System.nanoTime() < deadline; i++) {
        if (Files.exists(err) && Files.readString(err).contains("listening on")) {
          return new Capture(p, file);
        }
        assertThat(p.isAlive()).as("tcpdump: " + (Files.exists(err) ? Files.readString(err) : "")).isTrue();
        Thread.sleep(100);
      }
      p.destroyForcibly();
      throw new AssertionError("tcpdump on " + bridge + " did not start listening within 20 s");
    }

    /** Stops the capture (SIGTERM: tcpdump writes out what it holds) and returns the file's bytes. */
    byte[] stop() throws IOException, InterruptedException {
      // the last datagrams reach the capture (immediate mode: tcpdump reads each as it comes, not per block)
      Thread.sleep(1000);
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      return Files.readAllBytes(file);
    }

    /** How many captured datagrams match the tcpdump {@code filter}. */
    static int count(Path file, String filter) {
      Exec.Result r = Exec.run(java.util.Map.of(), null, 60, List.of("tcpdump", "-n", "-r", file.toString(), filter));
      check(r, "tcpdump -r " + file);
      return (int) r.out().lines().filter(l -> !l.isBlank()).count();
    }
  }
}
