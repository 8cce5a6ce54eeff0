package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A daemon killed in the middle of a {@code docker load} leaves unfinished blobs, blobs of an
 * image never recorded and half-unpacked layers; the next start reclaims all of it, so the data
 * root is back to its size after any number of kills, and the store still loads, runs and
 * removes the image.
 */
class CrashLeftoversIT {
  private static final Path DATA = TestDaemon.BASE.resolve("data");
  private static final long MIB = 1024 * 1024;
  /** Far below what one interrupted load of the ~400 MiB archive leaves, far above bookkeeping. */
  private static final long SLACK = 2 * MIB;

  private static long du() {
    Exec.Result r = Exec.sh("du -sb " + DATA);
    check(r, "du");
    return Long.parseLong(r.out().split("\\s+")[0]);
  }

  private static Path bigArchive() {
    Path tar = TestDaemon.BASE.resolve("big-image.tar");
    if (!Files.exists(tar)) {
      Exec.Result r = Exec.run(java.util.Map.of(), null, 300, List.of("python3",
          Exec.repoRoot().resolve("bench/mkimage-big.py").toString(),
          TestDaemon.BASE.resolve("busybox-rootfs.tar").toString(), tar.toString(), "cl/big:1"));
      check(r, "mkimage-big.py");
    }
    return tar;
  }

  @Test
  void killsDuringLoadsLeaveNothingBehind() throws Exception {
    TestDaemon.ensure();
    Path tar = bigArchive();
    docker("rmi", "cl/big:1");
    // a restart first, so that whatever a start writes is counted in the baseline
    TestDaemon.kill9();
    TestDaemon.start();
    long before = du();

    for (long grown : List.of(40 * MIB, 120 * MIB, 200 * MIB)) {
      ProcessBuilder load = new ProcessBuilder("/usr/local/bin/docker", "load", "-i", tar.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      load.environment().putAll(TestDaemon.env());
      Process client = load.start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (du() < before + grown) {
          assertThat(client.isAlive()).as("the load is still running at +" + grown / MIB + " MiB").isTrue();
          if (System.nanoTime() > deadline) { // a bound on the wait, not a speed check: a stalled load ends the test
            throw new AssertionError("the load never grew the data root by " + grown / MIB + " MiB (waited 120 s)");
          }
          Thread.sleep(50);
        }
        TestDaemon.kill9();
      } finally {
        client.destroyForcibly();
        client.waitFor(30, TimeUnit.SECONDS);
      }
      TestDaemon.start();
      assertThat(du()).as("data root size after a kill at +" + grown / MIB + " MiB and a restart")
          .isLessThanOrEqualTo(before + SLACK);
    }

    Exec.Result r = docker("load", "-i", tar.toString());
    check(r, "load after the kills");
    r = docker("run", "--rm", "cl/big:1", "sh", "-c", "cat /etc/app.conf; wc -c < /opt/data/random-b.bin");
    check(r, "run the loaded image");
    assertThat(r.out()).startsWith("mode=bench").contains(Long.toString(64 * MIB));
    check(docker("rmi", "cl/big:1"), "rmi");
    assertThat(du()).isLessThanOrEqualTo(before + SLACK);
  }
}
