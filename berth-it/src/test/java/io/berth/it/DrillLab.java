package io.berth.it;

import static io.berth.it.TestDaemon.check;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@code berth lab} driven for failure drills: its nodes by name, the stock docker CLI against
 * each node's socket, raw Engine API calls with curl over the socket, and bounded waits that fail
 * with what was last seen. Traffic goes only to the lab's sockets and addresses.
 */
final class DrillLab {
  /** How long one wait for the swarm to settle may take (bounded in count too). */
  static final Duration WAIT = Duration.ofSeconds(180);
  private static final Duration POLL = Duration.ofMillis(500);

  final String name;
  /** Node name to its DOCKER_HOST and to its lab address. */
  final Map<String, String> hosts = new LinkedHashMap<>();
  final Map<String, String> addresses = new LinkedHashMap<>();

  DrillLab(String name) {
    this.name = LabTests.name(name);
  }

  /** Removes a lab of this name left by an earlier run. */
  void clean() throws Exception {
    Files.createDirectories(TestDaemon.BASE);
    if (Files.exists(LabIT.ROOT.resolve(name).resolve("lab.json"))) {
      check(lab("down"), "lab down of a leftover lab");
    }
  }

  void up(int nodes, int managers) {
    check(lab("up", "--nodes", String.valueOf(nodes), "--managers", String.valueOf(managers)), "lab up");
    for (String line : ok(lab("ls", "--format", "{{.Name}} {{.Address}} {{.DockerHost}}"), "lab ls").out().strip()
        .split("\n")) {
      String[] f = line.split(" ");
      addresses.put(f[0], f[1]);
      hosts.put(f[0], f[2]);
    }
  }

  /** Removes the lab, keeping its nodes' logs in the test base ({@code NAME-logs/NODE.log}) for a look after a failure. */
  void down() {
    Path dir = LabIT.ROOT.resolve(name);
    try {
      Path logs = Files.createDirectories(TestDaemon.BASE.resolve(name + "-logs"));
      for (String node : hosts.keySet()) {
        Path log = dir.resolve(node).resolve("berthd.log");
        if (Files.exists(log)) {
          Files.copy(log, logs.resolve(node + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (java.io.IOException e) {
      System.err.println("keeping the lab's logs: " + e);
    }
    if (Files.exists(dir.resolve("lab.json"))) {
      LabIT.labNamed(name, "down");
    }
  }

  Exec.Result lab(String verb, String... args) {
    return LabIT.labNamed(name, verb, args);
  }

  /** {@code berth lab start} of several nodes at once, as machines booting together. */
  void startAll(List<String> nodes) {
    List<CompletableFuture<Exec.Result>> started = new ArrayList<>();
    // a thread each: the common pool may have a single thread on a small machine
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (String n : nodes) {
        started.add(CompletableFuture.supplyAsync(() -> lab("start", n), threads));
      }
      for (int i = 0; i < nodes.size(); i++) {
        check(started.get(i).join(), "lab start " + nodes.get(i));
      }
    }
  }

  /** The docker CLI against {@code node}'s berthd. */
  Exec.Result docker(String node, String... args) {
    return LabIT.docker(hosts.get(node), args);
  }

  /** The docker CLI's output on {@code node}, failing the test if the command failed. */
  String out(String node, String... args) {
    return ok(docker(node, args), "docker " + String.join(" ", args) + " on " + node).out();
  }

  /** A raw Engine API call (curl over {@code node}'s socket): "STATUS BODY". */
  String api(String node, String method, String path, String body) {
    String socket = hosts.get(node).substring("unix://".length());
    List<String> cmd = Exec.list("curl", "-sS", "--max-time", "60", "--unix-socket", socket, "-X", method,
        "-w", "\n%{http_code}");
    if (body != null) {
      cmd.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
    }
    cmd.add("http://localhost/v1.47" + path);
    Exec.Result r = ok(Exec.run(Map.of(), null, 90, cmd), "curl " + method + " " + path);
    String o = r.out();
    int nl = o.lastIndexOf('\n');
    return o.substring(nl + 1).strip() + " " + o.substring(0, nl).strip();
  }

  /** The node currently named Leader by {@code asked}'s {@code node ls}, or "" if none (or no answer). */
  String leader(String asked) {
    Exec.Result r = docker(asked, "node", "ls", "--format", "{{.Hostname}} {{.ManagerStatus}}");
    if (r.exit() != 0) {
      return "";
    }
    return r.out().lines().filter(l -> l.endsWith(" Leader")).map(l -> l.split(" ")[0]).findFirst().orElse("");
  }

  /** {@code docker node ls} on {@code asked} as "hostname status managerStatus" lines (trimmed). */
  String nodes(String asked) {
    Exec.Result r = docker(asked, "node", "ls", "--format", "{{.Hostname}} {{.Status}} {{.ManagerStatus}}");
    return r.exit() != 0 ? "no answer: " + r.all()
        : String.join("\n", r.out().lines().map(String::strip).sorted().toList());
  }

  /** The service's tasks meant to run, as sorted "ID NODE CURRENTSTATE-WORD" lines. */
  List<String> running(String asked, String service) {
    Exec.Result r = docker(asked, "service", "ps", service, "--filter", "desired-state=running",
        "--format", "{{.ID}} {{.Node}} {{.CurrentState}}");
    if (r.exit() != 0) {
      return List.of("no answer: " + r.all().strip());
    }
    return r.out().lines().map(l -> {
      String[] f = l.split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    }).sorted().toList();
  }

  /** The service's task containers on {@code node}: "ID STARTEDAT RESTARTS STATUS" lines, sorted. */
  List<String> containers(String node, String service) {
    List<String> ids = out(node, "ps", "-aq", "--no-trunc", "--filter", "label=com.docker.swarm.service.name=" + service)
        .lines().toList();
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> args = new ArrayList<>(List.of("inspect", "--format",
        "{{.Id}} {{.State.StartedAt}} {{.RestartCount}} {{.State.Status}}"));
    args.addAll(ids);
    return out(node, args.toArray(String[]::new)).lines().sorted().toList();
  }

  /**
   * Polls {@code read} until {@code done} holds, at most {@link #WAIT} and a bounded number of
   * times; fails naming {@code what} and the last answer.
   */
  static <T> T await(String what, Supplier<T> read, Predicate<T> done) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    T last = read.get();
    for (int i = 0; i < WAIT.dividedBy(POLL) && !done.test(last); i++) {
      if (System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(POLL.toMillis());
      last = read.get();
    }
    if (!done.test(last)) {
      throw new AssertionError(what + " did not happen within " + WAIT.toSeconds() + " s; last seen:\n" + last);
    }
    return last;
  }

  /** The busybox image in the lab's registry, pushed from {@code node} (made once per test base). */
  String pushBusybox(String node, String repo) {
    String image = ok(lab("registry"), "lab registry").out().strip() + "/" + repo;
    Path tar = TestDaemon.BASE.resolve("lab-busybox.tar");
    if (!Files.exists(tar)) {
      check(Exec.run(Map.of(), null, 120, List.of(Exec.repoRoot().resolve("scripts/mkimage-busybox.sh").toString(),
          tar.toString())), "mkimage");
    }
    check(docker(node, "import", "-c", "CMD [\"/bin/sh\"]", tar.toString(), image), "import");
    check(docker(node, "push", image), "push");
    return image;
  }

  /** A node's swarm files (key, certificate, root CA) as the lab keeps them on the host. */
  Path certificates(String node) {
    return LabIT.ROOT.resolve(name).resolve(node).resolve("data/swarm/certificates");
  }

  static Exec.Result ok(Exec.Result r, String what) {
    check(r, what);
    return r;
  }
}
