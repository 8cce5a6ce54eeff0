package io.berth.it;

import static io.berth.it.TestDaemon.check;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What the swarm tests on a {@code berth lab} share: a lab left by a crashed run is taken down
 * before the test and the test's lab after it, and answers are polled until they settle, in a
 * bounded time, because a cluster converges rather than answers at once.
 */
final class LabTests {
  private LabTests() {}

  /**
   * The lab a test class uses: {@code BERTH_IT_LAB} when set, so that two checkouts running the
   * same class on one machine (lab namespaces are named by lab, not by slot) do not collide;
   * else the class's own name.
   */
  static String name(String own) {
    String given = System.getenv("BERTH_IT_LAB");
    return given == null || given.isBlank() ? own : given;
  }

  static boolean exists(String lab) {
    return Files.exists(LabIT.ROOT.resolve(lab).resolve("lab.json"));
  }

  /** Before a class: the test's base directory, and no leftover lab of that name. */
  static void clean(String lab) throws IOException {
    Files.createDirectories(TestDaemon.BASE);
    if (exists(lab)) {
      check(LabIT.labNamed(lab, "down"), "lab down of a leftover lab");
    }
  }

  /** Each node's DOCKER_HOST by node name, as {@code lab ls} lists them. */
  static java.util.Map<String, String> hosts(String lab) {
    Exec.Result ls = LabIT.labNamed(lab, "ls", "--format", "{{.Name}} {{.DockerHost}}");
    check(ls, "lab ls");
    java.util.Map<String, String> host = new java.util.HashMap<>();
    ls.out().strip().lines().map(l -> l.split(" ")).forEach(f -> host.put(f[0], f[1]));
    return host;
  }

  /** After a class: the lab gone, whatever the test left. */
  static void down(String lab) {
    if (exists(lab)) {
      LabIT.labNamed(lab, "down");
    }
  }

  /** Polls {@code read} every 200 ms until it answers {@code expected} or {@code limit} passed; returns the last answer. */
  static String await(Supplier<String> read, String expected, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    String last = read.get();
    for (int i = 0; i < limit.toMillis() / 200 && !last.equals(expected) && System.nanoTime() < deadline; i++) {
      Thread.sleep(200);
      last = read.get();
    }
    return last;
  }
}
