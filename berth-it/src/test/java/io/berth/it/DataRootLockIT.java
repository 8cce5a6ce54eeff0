package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One data root, one daemon: a second berthd on the test daemon's data root (with an exec root
 * of its own, so the pid file cannot stop it) or on its socket is refused before it touches
 * anything, and the first daemon, its containers and its socket carry on. The lock, not a guess
 * from the process table, tells a killed daemon's pid file from a live one's.
 */
class DataRootLockIT {
  private static final String N = TestDaemon.SLOT.isEmpty() ? "0" : TestDaemon.SLOT.substring(2);
  /** The second daemon's own network names, should it get as far as the network. */
  private static final String BRIDGE = "bitds" + N;
  private static final String TABLE = "berth_itds" + N;

  private static List<String> secondDaemon(String socket, Path dataRoot, Path execRoot) {
    return List.of(Exec.repoRoot().resolve("bin/berthd").toString(), "-H", "unix://" + socket,
        "--data-root", dataRoot.toString(), "--exec-root", execRoot.toString(),
        "--config-file", TestDaemon.BASE.resolve("none.json").toString(), "--bridge", BRIDGE,
        "--bip", "10.89." + (50 + Integer.parseInt(N)) + ".1/24", "--nft-table", TABLE,
        "--cgroup-parent", "berth-itds" + N);
  }

  @AfterEach
  void removeWhatASecondDaemonMadeOnTheHost() {
    Exec.sh("ip link del " + BRIDGE + " 2>/dev/null; nft delete table ip " + TABLE + " 2>/dev/null; true");
  }

  @Test
  void aSecondDaemonOnTheSameDataRootIsRefused() {
    TestDaemon.ensure();
    docker("rm", "-f", "dl-keep");
    try {
      check(docker("run", "-d", "--name", "dl-keep", TestDaemon.IMAGE, "sleep", "600"), "run");
      Path data = TestDaemon.BASE.resolve("data");
      Exec.Result r = Exec.run(Map.of(), null, 60, secondDaemon(TestDaemon.BASE + "/second.sock", data,
          TestDaemon.BASE.resolve("exec-second")));
      assertThat(r.exit()).isNotZero();
      assertThat(r.err()).contains("another berthd (pid " + TestDaemon.pid() + ") is using data root " + data);

      assertThat(docker("inspect", "-f", "{{.State.Running}}", "dl-keep").out().trim()).isEqualTo("true");
      Exec.Result e = docker("exec", "dl-keep", "cat", "/etc/hostname");
      check(e, "exec in the first daemon's container");
      check(docker("version"), "the first daemon's socket");
    } finally {
      docker("rm", "-f", "dl-keep");
    }
  }

  @Test
  void aKilledDaemonsPidFileNamingAnotherJavaProcessDoesNotStopTheRestart() throws Exception {
    TestDaemon.ensure();
    TestDaemon.kill9();
    // after a kill -9 the pid in the file may be reused by any process, a Java one such as this test's JVM
    Files.writeString(TestDaemon.BASE.resolve("exec/berthd.pid"), ProcessHandle.current().pid() + "\n");
    TestDaemon.start();
    check(docker("version"), "the restarted daemon");
    assertThat(Files.readString(TestDaemon.BASE.resolve("exec/berthd.pid")).trim())
        .isEqualTo(Long.toString(TestDaemon.pid()));
  }

  @Test
  void aSecondDaemonOnTheSameSocketLeavesItInPlace() {
    TestDaemon.ensure();
    Exec.sh("rm -rf " + TestDaemon.BASE + "/data-second " + TestDaemon.BASE + "/exec-second");
    Exec.Result r = Exec.run(Map.of(), null, 60, secondDaemon(TestDaemon.SOCKET.toString(),
        TestDaemon.BASE.resolve("data-second"), TestDaemon.BASE.resolve("exec-second")));
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("another server is listening on " + TestDaemon.SOCKET);
    // refused before the network: a daemon that cannot serve must not change the host
    assertThat(Exec.sh("ip link show " + BRIDGE).exit()).isNotZero();
    Exec.Result v = docker("version", "--format", "{{.Server.Os}}");
    check(v, "the first daemon's socket");
    assertThat(v.out().trim()).isEqualTo("linux");
  }
}
