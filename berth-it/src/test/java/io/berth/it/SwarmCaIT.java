package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The swarm's CA and autolock on a running three-manager lab, through the stock docker CLI:
 * {@code docker swarm ca --rotate} waits until every node holds a certificate from a new root,
 * which the nodes' files then chain to alone, while Raft and the dispatcher keep working over the
 * new certificates; the old join token is refused and the new one joins. {@code swarm update
 * --autolock=true} locks every manager's key under the key it prints; a restarted manager is
 * locked until {@code docker swarm unlock} with that key (a wrong one is refused); workers,
 * demoted managers included, are never locked; {@code --autolock=false} turns it off again.
 */
class SwarmCaIT {
  static final String LAB = "ca";
  private static final Duration LIMIT = Duration.ofSeconds(120);

  @BeforeAll
  static void clean() throws Exception {
    Files.createDirectories(TestDaemon.BASE);
    if (Files.exists(LabIT.ROOT.resolve(LAB).resolve("lab.json"))) {
      check(LabIT.labNamed(LAB, "down"), "lab down of a leftover lab");
    }
  }

  @AfterAll
  static void down() {
    if (Files.exists(LabIT.ROOT.resolve(LAB).resolve("lab.json"))) {
      LabIT.labNamed(LAB, "down");
    }
  }

  @Test
  void rootRotationAndAutolockOnARunningSwarm() throws Exception {
    check(LabIT.labNamed(LAB, "up", "--nodes", "3", "--managers", "3"), "lab up");
    Map<String, String> host = new HashMap<>();
    Map<String, String> address = new HashMap<>();
    for (String line : ok(LabIT.labNamed(LAB, "ls", "--format", "{{.Name}} {{.DockerHost}} {{.Address}}"), "lab ls")
        .out().strip().split("\n")) {
      String[] f = line.split(" ");
      host.put(f[0], f[1]);
      address.put(f[0], f[2]);
    }
    String manager = host.get("node1");
    String allReady = "node1 Ready\nnode2 Ready\nnode3 Ready\n";
    assertThat(await(() -> docker(manager, "node", "ls", "--format", "{{.Hostname}} {{.Status}}").out(), allReady))
        .isEqualTo(allReady);
    String oldRoot = ok(docker(manager, "swarm", "ca"), "swarm ca").out().strip();
    String oldWorkerToken = ok(docker(manager, "swarm", "join-token", "-q", "worker"), "join-token").out().strip();

    // --- root rotation: the CLI waits for every node, then prints the new root
    Exec.Result rotate = Exec.run(env(manager), null, 300, Exec.list("/usr/local/bin/docker", "swarm", "ca", "--rotate"));
    check(rotate, "swarm ca --rotate");
    String newRoot = ok(docker(manager, "swarm", "ca"), "swarm ca").out().strip();
    assertThat(newRoot).startsWith("-----BEGIN CERTIFICATE-----").isNotEqualTo(oldRoot);
    assertThat(rotate.out()).contains(newRoot);
    assertThat(docker(manager, "info", "--format", "{{.Swarm.Cluster.RootRotationInProgress}}").out().strip())
        .isEqualTo("false");
    X509Certificate root = certificates(newRoot).getFirst();
    for (String node : List.of("node1", "node2", "node3")) {
      // every node's certificate on disk is signed by the new root's key; it trusts the new root alone
      Path certs = dataRoot(node).resolve("swarm/certificates");
      awaitTrue(() -> readsAs(certs.resolve("swarm-root-ca.crt"), newRoot), node + " trusting the new root alone");
      X509Certificate leaf = certificates(Files.readString(certs.resolve("swarm-node.crt"))).getFirst();
      leaf.verify(root.getPublicKey());
      // and it says so in node inspect, as Docker's TLSInfo
      assertThat(await(() -> docker(manager, "node", "inspect", "--format", "{{.Description.TLSInfo.TrustRoot}}", node)
          .out().strip(), newRoot)).isEqualTo(newRoot);
    }
    // Raft and the dispatcher work over the new certificates: a write commits, every node stays ready
    check(docker(manager, "node", "update", "--label-add", "rotated=yes", "node3"), "node update after rotation");
    assertThat(docker(manager, "node", "inspect", "--format", "{{index .Spec.Labels \"rotated\"}}", "node3").out().strip())
        .isEqualTo("yes");
    String newWorkerToken = ok(docker(manager, "swarm", "join-token", "-q", "worker"), "join-token").out().strip();
    assertThat(newWorkerToken).isNotEqualTo(oldWorkerToken);

    // --- autolock on a running swarm: every manager's key is locked under the printed key
    Exec.Result locking = docker(manager, "swarm", "update", "--autolock=true");
    check(locking, "swarm update --autolock=true");
    String key = ok(docker(manager, "swarm", "unlock-key", "-q"), "unlock-key -q").out().strip();
    assertThat(key).startsWith("SWMKEY-1-");
    assertThat(locking.out()).contains("Swarm updated.").contains(key);
    assertThat(ok(docker(host.get("node2"), "swarm", "unlock-key", "-q"), "unlock-key on node2").out().strip())
        .isEqualTo(key);
    for (String node : List.of("node1", "node2", "node3")) {
      Path keyFile = dataRoot(node).resolve("swarm/certificates/swarm-node.key");
      awaitTrue(() -> readsAs(keyFile, null), node + "'s key being encrypted");
    }

    // a restarted manager stays locked until unlocked with the key; a wrong key is refused
    check(LabIT.labNamed(LAB, "kill", "node3"), "lab kill node3");
    check(LabIT.labNamed(LAB, "start", "node3"), "lab start node3");
    String node3 = host.get("node3");
    assertThat(docker(node3, "info", "--format", "{{.Swarm.LocalNodeState}}").out().strip()).isEqualTo("locked");
    Exec.Result wrong = Exec.run(env(node3), "SWMKEY-1-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n".getBytes(StandardCharsets.US_ASCII),
        60, Exec.list("/usr/local/bin/docker", "swarm", "unlock"));
    assertThat(wrong.exit()).as(wrong.all()).isNotZero();
    assertThat(wrong.all()).contains("invalid key");
    assertThat(docker(node3, "info", "--format", "{{.Swarm.LocalNodeState}}").out().strip()).isEqualTo("locked");
    check(Exec.run(env(node3), (key + "\n").getBytes(StandardCharsets.US_ASCII), 60,
        Exec.list("/usr/local/bin/docker", "swarm", "unlock")), "swarm unlock");
    assertThat(docker(node3, "info", "--format", "{{.Swarm.LocalNodeState}}").out().strip()).isEqualTo("active");
    String back = "node3 Ready Reachable\n";
    assertThat(await(() -> docker(manager, "node", "ls", "--filter", "name=node3", "--format",
        "{{.Hostname}} {{.Status}} {{.ManagerStatus}}").out(), back)).isEqualTo(back);

    // --- the old join token is refused, the new one joins (node3 leaves and joins again as a worker)
    check(docker(node3, "swarm", "leave", "--force"), "node3 leaves");
    String node1Swarm = address.get("node1") + ":2377";
    Exec.Result refused = docker(node3, "swarm", "join", "--token", oldWorkerToken, node1Swarm);
    assertThat(refused.exit()).as(refused.all()).isNotZero();
    assertThat(refused.all()).contains("remote CA does not match fingerprint");
    check(docker(node3, "swarm", "join", "--token", newWorkerToken, node1Swarm), "join with the new token");
    X509Certificate rejoined = certificates(Files.readString(dataRoot("node3").resolve("swarm/certificates/swarm-node.crt")))
        .getFirst();
    rejoined.verify(root.getPublicKey());
    assertThat(docker(node3, "info", "--format", "{{.Swarm.LocalNodeState}}").out().strip()).isEqualTo("active");

    // workers are never locked: node3 joined as one, and node2 demoted has its key written in clear
    assertThat(readsAs(dataRoot("node3").resolve("swarm/certificates/swarm-node.key"), null)).isFalse();
    check(docker(manager, "node", "demote", "node2"), "node demote node2");
    Path node2Key = dataRoot("node2").resolve("swarm/certificates/swarm-node.key");
    awaitTrue(() -> !readsAs(node2Key, null), "demoted node2's key being stored in clear");

    // --- autolock off: no unlock key any more, the managers' keys are stored in clear again
    check(docker(manager, "swarm", "update", "--autolock=false"), "swarm update --autolock=false");
    Exec.Result none = docker(manager, "swarm", "unlock-key");
    assertThat(none.exit()).isNotZero();
    assertThat(none.err()).contains("no unlock key is set");
    Path node1Key = dataRoot("node1").resolve("swarm/certificates/swarm-node.key");
    awaitTrue(() -> !readsAs(node1Key, null), "node1's key being decrypted");

    check(LabIT.labNamed(LAB, "down"), "lab down");
  }

  private static Path dataRoot(String node) {
    return LabIT.ROOT.resolve(LAB).resolve(node).resolve("data");
  }

  /** With {@code expected} null: whether the file holds an encrypted key; else whether it reads as that text. */
  private static boolean readsAs(Path file, String expected) {
    try {
      String text = Files.readString(file).strip();
      return expected == null ? text.contains("ENCRYPTED PRIVATE KEY") : text.equals(expected.strip());
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static List<X509Certificate> certificates(String pem) throws Exception {
    return CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
        .map(c -> (X509Certificate) c).toList();
  }

  private static Map<String, String> env(String dockerHost) {
    return Map.of("DOCKER_HOST", dockerHost, "DOCKER_CONFIG", TestDaemon.BASE.resolve("lab-docker-config").toString());
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + LIMIT.toSeconds() + " s");
      }
      Thread.sleep(200);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }

  /** Polls {@code read} until it answers {@code expected} (bounded); returns the last answer. */
  private static String await(Supplier<String> read, String expected) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    String last = read.get();
    for (int i = 0; i < 600 && !last.equals(expected) && System.nanoTime() < deadline; i++) {
      Thread.sleep(200);
      last = read.get();
    }
    return last;
  }

  private static Exec.Result ok(Exec.Result r, String what) {
    check(r, what);
    return r;
  }

  private static Exec.Result docker(String dockerHost, String... args) {
    return LabIT.docker(dockerHost, args);
  }
}
