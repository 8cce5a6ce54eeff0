package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code berth lab}: three berthd nodes (no swarm) in their own network namespaces on one machine, driven
 * with the stock docker CLI through each node's socket; traffic only to the nodes' addresses.
 * The lab's name and root carry the IT slot, so other slots' labs are left alone.
 */
class LabIT {
  static final String LAB = "it" + (TestDaemon.SLOT.isEmpty() ? "" : TestDaemon.SLOT.substring(2));
  static final Path ROOT = TestDaemon.BASE.resolve("lab");
  static final String REPO = "lab/busybox:1";

  @BeforeAll
  static void clean() throws Exception {
    Files.createDirectories(TestDaemon.BASE);
    // a lab an earlier, interrupted run left behind
    for (String name : List.of(LAB, LAB + "x")) {
      if (Files.exists(ROOT.resolve(name).resolve("lab.json"))) {
        check(labNamed(name, "down"), "lab down of a leftover lab");
      }
    }
  }

  @AfterAll
  static void down() {
    for (String name : List.of(LAB, LAB + "x")) {
      if (Files.exists(ROOT.resolve(name).resolve("lab.json"))) {
        labNamed(name, "down");
      }
    }
  }

  @Test
  void threeNodesWithARegistryKilledRestartedAndRemoved() throws Exception {
    assertThat(lab("up", "--nodes", "2", "--managers", "3").err()).contains("--managers must be 0 to the number of nodes (2), not 3");
    Exec.Result notRoot = Exec.run(Map.of(), null, 120, List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        Exec.repoRoot().resolve("bin/berth").toString(), "lab", "up", "--nodes", "1", "--name", LAB, "--root", ROOT.toString()));
    assertThat(notRoot.err()).contains("berth lab up must run as root");
    assertThat(lab("ls", "-H", "unix:///nowhere.sock").err()).contains("--host does not apply to berth lab");
    // the lab's own mechanics, on plain engines (LabSwarmIT covers the swarm a lab forms by default)
    check(lab("up", "--nodes", "3", "--managers", "0"), "lab up");
    Exec.Result again = lab("up", "--nodes", "1");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("lab " + LAB + " exists");

    // three running nodes with distinct addresses, each named after itself in docker info
    List<String[]> nodes = nodes();
    assertThat(nodes).extracting(n -> n[0]).containsExactly("node1", "node2", "node3");
    assertThat(nodes).extracting(n -> n[3]).containsOnly("running");
    assertThat(nodes.stream().map(n -> n[1]).distinct().count()).isEqualTo(3);
    Map<String, String> host = new HashMap<>();
    Map<String, String> address = new HashMap<>();
    for (String[] n : nodes) {
      host.put(n[0], n[2]);
      address.put(n[0], n[1]);
      assertThat(docker(n[2], "info", "--format", "{{.Name}}").out().trim()).isEqualTo(n[0]);
    }

    // node1 pushes an image to the lab registry, node2 and node3 pull it
    String registry = lab("registry").out().trim();
    assertThat(registry).matches("\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+");
    Path tar = TestDaemon.BASE.resolve("lab-busybox.tar");
    if (!Files.exists(tar)) {
      check(Exec.run(Map.of(), null, 120, List.of(Exec.repoRoot().resolve("scripts/mkimage-busybox.sh").toString(),
          tar.toString())), "mkimage");
    }
    String image = registry + "/" + REPO;
    check(docker(host.get("node1"), "import", "-c", "CMD [\"/bin/sh\"]", tar.toString(), image), "import on node1");
    check(docker(host.get("node1"), "push", image), "push from node1");
    String digest = docker(host.get("node1"), "image", "inspect", "--format", "{{index .RepoDigests 0}}", image).out().trim();
    for (String n : List.of("node2", "node3")) {
      check(docker(host.get(n), "pull", image), "pull on " + n);
      assertThat(docker(host.get(n), "image", "inspect", "--format", "{{index .RepoDigests 0}}", image).out().trim())
          .isEqualTo(digest);
    }

    // a published port of node2, reached from the host at node2's address
    check(docker(host.get("node2"), "run", "-d", "--name", "web", "-p", "28440:80", image,
        "sh", "-c", "echo hello from node2 > /index.html; exec httpd -f -p 80 -h /"), "run on node2");
    assertThat(get("http://" + address.get("node2") + ":28440/index.html")).contains("hello from node2");
    // node1 reaches it through the lab's switch, whose frames never run the host's forward rules
    // (this host has br_netfilter on: a bridge on the host would run them for every frame)
    assertThat(hostForwardsBetweenNodes(address.get("node1"), () -> Exec.run(Map.of(), null, 30, List.of("ip", "netns",
        "exec", "berth-lab-" + LAB + "-node1", "curl", "-s", "-m", "10", "http://" + address.get("node2") + ":28440/index.html"))))
        .isEqualTo("hello from node2\n0");

    // kill -9 of node3's berthd: ls says down, its container runs on
    String id = docker(host.get("node3"), "run", "-d", "--name", "sleeper", image, "sleep", "600").out().trim();
    String pid = docker(host.get("node3"), "inspect", "--format", "{{.State.Pid}}", id).out().trim();
    check(lab("kill", "node3"), "lab kill node3");
    assertThat(nodes()).extracting(n -> n[0] + " " + n[3]).containsExactly("node1 running", "node2 running", "node3 down");
    assertThat(running(pid)).as("the container outlives its node's berthd").isTrue();
    assertThat(lab("kill", "node9").err()).contains("lab " + LAB + " has no node node9");

    // start node3 again: the container is adopted, not restarted
    check(lab("start", "node3"), "lab start node3");
    assertThat(nodes()).extracting(n -> n[3]).containsOnly("running");
    assertThat(docker(host.get("node3"), "inspect", "--format", "{{.Id}} {{.State.Status}} {{.State.Pid}}", "sleeper")
        .out().trim()).isEqualTo(id + " running " + pid);

    // a second lab beside it, whose up is killed half way: down removes what it made, the first lab runs on
    String crashed = LAB + "x";
    Path crashedState = ROOT.resolve(crashed).resolve("lab.json");
    Process up = new ProcessBuilder(Exec.repoRoot().resolve("bin/berth").toString(), "lab", "up", "--name", crashed,
        "--root", ROOT.toString(), "--nodes", "2").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    ContainersIT.waitFor(() -> Files.exists(ROOT.resolve(crashed).resolve("node2").resolve("berthd.log")) || !up.isAlive());
    assertThat(up.isAlive()).as("lab up of " + crashed + " still under way").isTrue();
    up.destroyForcibly().waitFor();
    String crashedIndex = Files.readString(crashedState).replaceAll("(?s).*\"index\"\\s*:\\s*(\\d+).*", "$1");
    assertThat(crashedIndex).isNotEqualTo(address.get("node1").split("\\.")[2]);
    check(labNamed(crashed, "down"), "lab down of a lab whose up was killed");
    assertNothingLeft(crashed, crashedIndex);
    assertThat(nodes()).extracting(n -> n[3]).containsOnly("running");

    // down: nothing of the lab is left
    String index = address.get("node1").split("\\.")[2];
    check(lab("down"), "lab down");
    assertNothingLeft(LAB, index);
    assertThat(running(pid)).as("the container's process is gone (or a zombie waiting for init)").isFalse();
    assertThat(lab("ls").err()).contains("no lab named " + LAB);
  }

  /** No namespace, bridge, veth, nft table, mount, process, cgroup or directory of lab {@code name} (number {@code index}). */
  private static void assertNothingLeft(String name, String index) throws java.io.IOException {
    assertThat(Exec.sh("ip netns list").out()).doesNotContain("berth-lab-" + name + "-")
        .as("the containers' namespaces, named after their node's bridge").doesNotContain("berth-bl" + index + "b");
    assertThat(Exec.sh("ip link show dev blab" + index).exit()).as("the lab bridge is gone").isNotZero();
    assertThat(Exec.sh("ip -br link").out()).doesNotContain("blab" + index + "n");
    assertThat(Exec.sh("nft list tables").out()).doesNotContain("berth_lab" + index + "_");
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(ROOT.resolve(name) + "/");
    assertThat(processesNaming(ROOT.resolve(name) + "/")).isEmpty();
    assertThat(Exec.sh("ls -d /sys/fs/cgroup/*/berth-lab-" + name + "-* /sys/fs/cgroup/berth-lab-" + name + "-*").out()).isBlank();
    assertThat(ROOT.resolve(name)).doesNotExist();
  }

  /**
   * Runs {@code traffic} with a counter on the host's forward hook for packets between two
   * addresses of the lab of {@code nodeAddress}: its output, a newline, and the packets counted.
   */
  private static String hostForwardsBetweenNodes(String nodeAddress, java.util.function.Supplier<Exec.Result> traffic) {
    String subnet = nodeAddress.replaceAll("\\.\\d+$", ".0/24");
    String table = "lab_wire_" + LAB;
    check(Exec.sh("nft delete table ip " + table + " 2>/dev/null; nft add table ip " + table + " && nft add chain ip " + table
        + " forward '{ type filter hook forward priority filter - 1; policy accept; }' && nft add rule ip " + table
        + " forward ip saddr " + subnet + " ip daddr " + subnet + " counter"), "a counter on the host's forward hook");
    try {
      String out = traffic.get().out();
      String counter = Exec.sh("nft list chain ip " + table + " forward").out();
      return out.strip() + "\n" + counter.replaceAll("(?s).*counter packets (\\d+).*", "$1");
    } finally {
      Exec.sh("nft delete table ip " + table);
    }
  }

  /** Whether {@code pid} is a live process (not gone, not a zombie). */
  private static boolean running(String pid) {
    try {
      return !Files.readString(Path.of("/proc", pid, "status")).matches("(?s).*State:\\s+[ZX].*");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Processes whose command line names {@code path} (berthds, the registry, conmons). */
  private static List<Long> processesNaming(String path) {
    return ProcessHandle.allProcesses().filter(p -> {
      try {
        return new String(Files.readAllBytes(Path.of("/proc/" + p.pid() + "/cmdline"))).contains(path);
      } catch (java.io.IOException e) {
        return false;
      }
    }).map(ProcessHandle::pid).toList();
  }

  /** The lab's nodes as [name, address, docker host, state]. */
  private static List<String[]> nodes() {
    Exec.Result r = lab("ls", "--format", "{{.Name}} {{.Address}} {{.DockerHost}} {{.State}}");
    check(r, "lab ls");
    return r.out().lines().map(l -> l.split(" ")).toList();
  }

  private static Exec.Result lab(String verb, String... args) {
    return labNamed(LAB, verb, args);
  }

  static Exec.Result labNamed(String name, String verb, String... args) {
    List<String> cmd = Exec.list(Exec.repoRoot().resolve("bin/berth").toString(), "lab", verb, "--name", name,
        "--root", ROOT.toString());
    cmd.addAll(Arrays.asList(args));
    return Exec.run(Map.of(), null, 300, cmd);
  }

  static Exec.Result docker(String dockerHost, String... args) {
    return Exec.run(Map.of("DOCKER_HOST", dockerHost, "DOCKER_CONFIG", TestDaemon.BASE.resolve("lab-docker-config").toString()),
        null, 120, Exec.list("/usr/local/bin/docker", args));
  }

  /** GETs {@code url}, retrying for a bounded time while the server starts. */
  private static String get(String url) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String last = "";
    for (int i = 0; i < 50; i++) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return r.body();
        }
        last = "status " + r.statusCode();
      } catch (java.io.IOException e) {
        last = e.toString();
      }
      Thread.sleep(200);
    }
    return "no answer from " + url + ": " + last;
  }
}
