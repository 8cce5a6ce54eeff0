package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker service logs} on a three-node {@code berth lab} (two managers, one worker): the
 * lines of a service's three tasks come from the three nodes with Docker's
 * {@code web.N.TASK@nodeN    | } prefixes, through the leader and through the follower manager;
 * {@code --tail}, {@code --since}, {@code --raw}, {@code --no-task-ids}, {@code --timestamps} and a task id
 * instead of the service; {@code --follow} until the client closes, which stops every node's
 * read; and a node that is down leaves Docker's "incomplete log stream" warning.
 */
class ServiceLogsIT {
  static final String LAB = "logs";
  private static final Pattern PREFIXED =
      Pattern.compile("^web\\.([1-4])\\.([a-z0-9]{12})@(node[123]) +\\| (hello|bye) from (\\S+)$");
  private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");

  @BeforeAll
  static void clean() throws Exception {
    Files.createDirectories(TestDaemon.BASE);
    if (Files.exists(LabIT.ROOT.resolve(LAB).resolve("lab.json"))) {
      check(lab("down"), "lab down of a leftover lab");
    }
  }

  @AfterAll
  static void down() {
    if (Files.exists(LabIT.ROOT.resolve(LAB).resolve("lab.json"))) {
      lab("down");
    }
  }

  @Test
  void serviceLogsMergeTheTasksOfEveryNode() throws Exception {
    check(lab("up", "--nodes", "3", "--managers", "2"), "lab up");
    Map<String, String> host = new HashMap<>();
    Map<String, Long> pid = new HashMap<>();
    for (String line : ok(lab("ls", "--format", "{{.Name}} {{.DockerHost}} {{.Pid}}"), "lab ls").out().strip().split("\n")) {
      String[] f = line.split(" ");
      host.put(f[0], f[1]);
      pid.put(f[0], Long.parseLong(f[2]));
    }
    String leader = host.get("node1");
    String follower = host.get("node2");
    assertThat(await(() -> docker(leader, "node", "ls", "--format", "{{.Hostname}} {{.Status}}").out(),
        o -> o.equals("node1 Ready\nnode2 Ready\nnode3 Ready\n"))).isEqualTo("node1 Ready\nnode2 Ready\nnode3 Ready\n");

    String image = ok(lab("registry"), "lab registry").out().strip() + "/logs/busybox:1";
    Path tar = TestDaemon.BASE.resolve("lab-busybox.tar");
    if (!Files.exists(tar)) {
      check(Exec.run(Map.of(), null, 120, List.of(Exec.repoRoot().resolve("scripts/mkimage-busybox.sh").toString(),
          tar.toString())), "mkimage");
    }
    check(docker(leader, "import", "-c", "CMD [\"/bin/sh\"]", tar.toString(), image), "import");
    check(docker(leader, "push", image), "push");
    check(Exec.run(Map.of("DOCKER_HOST", leader), null, 300, Exec.list("/usr/local/bin/docker", "service", "create",
        "--name", "web", "--replicas", "3", image, "sh", "-c",
        "echo hello from $(hostname); echo bye from $(hostname); sleep 1000")), "service create");
    Map<String, String> nodeOfTask = new HashMap<>();
    for (String row : ok(docker(leader, "service", "ps", "web", "--no-trunc", "--format", "{{.ID}} {{.Node}}"),
        "service ps").out().strip().split("\n")) {
      nodeOfTask.put(row.split(" ")[0].substring(0, 12), row.split(" ")[1]);
    }
    assertThat(nodeOfTask.values()).containsExactlyInAnyOrder("node1", "node2", "node3");

    // every task's two lines, each from its own node, with the CLI's NAME.SLOT.TASK@NODE prefix
    String all = await(() -> logs(leader, "web").out(), o -> o.lines().count() >= 6);
    List<Matcher> lines = parsed(all);
    assertThat(lines).as(all).hasSize(6);
    assertThat(lines).allSatisfy(m -> assertThat(m.group(3)).isEqualTo(nodeOfTask.get(m.group(2))));
    assertThat(lines.stream().map(m -> m.group(3)).distinct()).containsExactlyInAnyOrder("node1", "node2", "node3");
    assertThat(lines.stream().filter(m -> m.group(4).equals("hello"))).hasSize(3);

    // through the follower manager, which subscribes at the leader: the same lines
    assertThat(parsed(logs(follower, "web").out()).stream().map(Matcher::group).sorted())
        .isEqualTo(lines.stream().map(Matcher::group).sorted().toList());

    // the berth CLI reads the same stream (its body ends when the daemon closes the connection)
    assertThat(parsed(ok(berth(leader, "service", "logs", "web"), "berth service logs").out()).stream()
        .map(Matcher::group).sorted()).isEqualTo(lines.stream().map(Matcher::group).sorted().toList());

    // --tail 1: the last line of each task
    List<Matcher> tail = parsed(logs(leader, "web", "--tail", "1").out());
    assertThat(tail).hasSize(3).allSatisfy(m -> assertThat(m.group(4)).isEqualTo("bye"));

    // --since later than every line: none of them (the nodes apply it)
    Exec.Result none = logs(leader, "web", "--since", java.time.Instant.now().plusSeconds(3600).toString());
    check(none, "service logs --since");
    assertThat(none.out()).isEmpty();

    // a task instead of the service: only its lines
    String task = lines.getFirst().group(2);
    assertThat(parsed(logs(leader, task).out())).hasSize(2).allSatisfy(m -> assertThat(m.group(2)).isEqualTo(task));

    // the CLI's own options over the details the daemon sends
    assertThat(logs(leader, "web", "--raw").out().lines().toList()).hasSize(6)
        .allSatisfy(l -> assertThat(l).matches("(hello|bye) from \\S+"));
    assertThat(logs(leader, "web", "--no-task-ids").out().lines().toList()).hasSize(6)
        .allSatisfy(l -> assertThat(l).matches("web\\.[123]@node[123] +\\| (hello|bye) from \\S+"));
    assertThat(logs(leader, "web", "--timestamps").out().lines().toList()).hasSize(6)
        .allSatisfy(l -> assertThat(TIMESTAMP.matcher(l).find()).as(l).isTrue());

    // --follow: every node reads its task's log while the client reads; the client closing ends that everywhere
    assertThat(pid.values()).allSatisfy(p -> assertThat(openTaskLogs(p)).as("berthd %d before", p).isZero());
    ProcessBuilder followCmd = new ProcessBuilder("/usr/local/bin/docker", "service", "logs", "--follow", "web")
        .redirectErrorStream(true);
    followCmd.environment().put("DOCKER_HOST", leader);
    followCmd.environment().put("DOCKER_CONFIG", TestDaemon.BASE.resolve("lab-docker-config").toString());
    Process follow = followCmd.start();
    BlockingQueue<String> followed = readLines(follow);
    try {
      List<String> got = new ArrayList<>();
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (got.size() < 6 && System.nanoTime() < until) {
        String l = followed.poll(1, TimeUnit.SECONDS);
        if (l != null) {
          got.add(l);
        }
      }
      assertThat(got).as("followed lines").hasSize(6).allSatisfy(l -> assertThat(l).matches(PREFIXED));
      // a task made while following joins the stream, as with Docker
      check(docker(leader, "service", "scale", "-d", "web=4"), "service scale web=4");
      String fourth = null;
      long later = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (fourth == null && System.nanoTime() < later) {
        String l = followed.poll(1, TimeUnit.SECONDS);
        if (l != null && l.startsWith("web.4.")) {
          fourth = l;
        }
      }
      assertThat(fourth).as("a line of web.4, made after the follow began").isNotNull().matches(PREFIXED);
      for (Map.Entry<String, Long> p : pid.entrySet()) {
        assertThat(await(() -> String.valueOf(openTaskLogs(p.getValue())), n -> !n.equals("0")))
            .as("%s follows its task's log", p.getKey()).isNotEqualTo("0");
      }
      assertThat(follow.isAlive()).as("a followed log goes on").isTrue();
    } finally {
      follow.destroy();
      follow.waitFor(10, TimeUnit.SECONDS);
    }
    for (Map.Entry<String, Long> p : pid.entrySet()) {
      assertThat(await(() -> String.valueOf(openTaskLogs(p.getValue())), n -> n.equals("0")))
          .as("%s stopped reading once the client left", p.getKey()).isEqualTo("0");
    }

    // a node that is down contributes nothing, and the CLI shows Docker's warning after the others' lines
    String node3 = ok(docker(leader, "node", "inspect", "node3", "--format", "{{.ID}}"), "node inspect").out().strip();
    check(lab("kill", "node3"), "lab kill node3");
    Exec.Result partial = awaitResult(() -> logs(leader, "web"), r -> r.err().contains("is not available"));
    assertThat(partial.err()).as(partial.err()).contains("error from daemon in stream: Error grabbing logs: warning: "
        + "incomplete log stream. some logs could not be retrieved for the following reasons: node " + node3
        + " is not available");
    assertThat(parsed(partial.out())).isNotEmpty().allSatisfy(m -> assertThat(m.group(3)).isIn("node1", "node2"));
    assertThat(partial.exit()).isNotZero();
    Exec.Result berthPartial = berth(leader, "service", "logs", "web");
    assertThat(berthPartial.err()).contains("error from daemon in stream: Error grabbing logs: warning: incomplete log "
        + "stream. some logs could not be retrieved for the following reasons: node " + node3 + " is not available");
    assertThat(berthPartial.exit()).isNotZero();

    check(lab("down"), "lab down");
  }

  /** The lines of {@code out}, each matching Docker's prefixed form. */
  private static List<Matcher> parsed(String out) {
    return out.lines().map(l -> {
      Matcher m = PREFIXED.matcher(l);
      assertThat(m.matches()).as("line \"%s\" of:\n%s", l, out).isTrue();
      return m;
    }).toList();
  }

  /** How many task logs (container.log) berthd {@code pid} has open now. */
  private static long openTaskLogs(long pid) {
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().endsWith("/container.log");
        } catch (IOException e) {
          return false; // closed meanwhile
        }
      }).count();
    } catch (IOException e) {
      throw new AssertionError("cannot list the open files of berthd " + pid, e);
    }
  }

  private static BlockingQueue<String> readLines(Process p) {
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          q.add(l);
        }
      } catch (IOException e) {
        // the process was stopped
      }
    });
    return q;
  }

  /** Polls {@code read} until {@code done} holds or 90 s passed; returns the last answer. */
  private static String await(Supplier<String> read, Predicate<String> done) throws InterruptedException {
    return awaitResult(() -> new Exec.Result(0, read.get(), ""), r -> done.test(r.out())).out();
  }

  private static Exec.Result awaitResult(Supplier<Exec.Result> read, Predicate<Exec.Result> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Exec.Result last = read.get();
    for (int i = 0; i < 450 && !done.test(last) && System.nanoTime() < deadline; i++) {
      Thread.sleep(200);
      last = read.get();
    }
    return last;
  }

  private static Exec.Result ok(Exec.Result r, String what) {
    check(r, what);
    return r;
  }

  private static Exec.Result logs(String dockerHost, String... args) {
    List<String> cmd = new ArrayList<>(List.of("service", "logs"));
    cmd.addAll(List.of(args));
    return docker(dockerHost, cmd.toArray(String[]::new));
  }

  private static Exec.Result berth(String dockerHost, String... args) {
    List<String> cmd = Exec.list(Exec.repoRoot().resolve("bin/berth").toString(), "-H", dockerHost);
    cmd.addAll(List.of(args));
    return Exec.run(Map.of(), null, 120, cmd);
  }

  private static Exec.Result lab(String verb, String... args) {
    return LabIT.labNamed(LAB, verb, args);
  }

  private static Exec.Result docker(String dockerHost, String... args) {
    return LabIT.docker(dockerHost, args);
  }
}
