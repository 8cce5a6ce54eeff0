package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Containers outlive berthd: kill -9 the daemon, containers keep running, a new daemon finds them. */
class LiveRestoreIT {
  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  @Test
  void containersSurviveADaemonCrash() throws Exception {
    check(docker("run", "-d", "--name", "survivor", "-p", "28282:8080", IMAGE,
        "httpd", "-f", "-p", "8080", "-h", "/www"), "run");
    check(docker("run", "-d", "--name", "shortlived", IMAGE, "sh", "-c", "sleep 2; exit 5"), "run");
    check(docker("run", "-d", "--name", "always", "--restart", "always", IMAGE, "sh", "-c", "sleep 2; exit 1"), "run");
    String pid = docker("inspect", "--format", "{{.State.Pid}}", "survivor").out().trim();
    assertThat(Files.exists(Path.of("/proc", pid))).isTrue();

    TestDaemon.kill9();
    Thread.sleep(3000);
    assertThat(Files.exists(Path.of("/proc", pid))).as("container process survives the daemon").isTrue();
    assertThat(Exec.sh("curl -sf http://127.0.0.1:28282/hello").out()).contains("Hello from Berth");

    TestDaemon.start();
    Exec.Result r = docker("inspect", "--format", "{{.State.Status}} {{.State.Pid}}", "survivor");
    assertThat(r.out().trim()).isEqualTo("running " + pid);
    ContainersIT.waitFor(() -> docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "shortlived")
        .out().trim().equals("exited 5"));
    ContainersIT.waitFor(() -> !docker("inspect", "--format", "{{.RestartCount}}", "always").out().trim().equals("0"));
    assertThat(Exec.sh("curl -sf http://127.0.0.1:28282/hello").out()).contains("Hello from Berth");
    // the network's own state brought back the endpoint and its port: inspect shows them, and
    // the port stays taken for other containers
    assertThat(docker("port", "survivor", "8080").out()).contains(":28282");
    assertThat(docker("inspect", "--format", "{{.NetworkSettings.IPAddress}}", "survivor").out().trim()).isNotEmpty();
    Exec.Result taken = docker("run", "--rm", "-p", "28282:80", IMAGE, "true");
    assertThat(taken.exit()).isNotZero();
    assertThat(taken.err()).contains("Bind for 0.0.0.0:28282 failed: port is already allocated");
    check(docker("stop", "-t", "1", "survivor"), "stop after restore");
    assertThat(Files.exists(Path.of("/proc", pid))).isFalse();
    for (String n : new String[] {"survivor", "shortlived", "always"}) {
      check(docker("rm", "-f", n), "rm");
    }
  }

  /**
   * A daemon start applies restart policies as dockerd's does: always starts even after a
   * stop by hand, unless-stopped not after one, a run that died while the daemon was down
   * follows its policy (on-failure: started; no: left exited), a container never started stays
   * created.
   */
  @Test
  void restartPoliciesApplyAtDaemonStart() throws Exception {
    check(docker("run", "-d", "--name", "rp-always", "--restart", "always", IMAGE, "sleep", "1000"), "run");
    check(docker("run", "-d", "--name", "rp-unless", "--restart", "unless-stopped", IMAGE, "sleep", "1000"), "run");
    check(docker("run", "-d", "--name", "rp-onfailure", "--restart", "on-failure", IMAGE, "sleep", "1000"), "run");
    check(docker("run", "-d", "--name", "rp-no", IMAGE, "sleep", "1000"), "run");
    check(docker("create", "--name", "rp-created", "--restart", "always", IMAGE, "sleep", "1000"), "create");
    check(docker("stop", "-t", "1", "rp-always"), "stop");
    check(docker("stop", "-t", "1", "rp-unless"), "stop");
    String onFailure = docker("inspect", "--format", "{{.State.Pid}}", "rp-onfailure").out().trim();
    String no = docker("inspect", "--format", "{{.State.Pid}}", "rp-no").out().trim();

    TestDaemon.kill9();
    check(Exec.sh("kill -9 " + onFailure + " " + no), "kill the containers while berthd is down");
    ContainersIT.waitFor(() -> !Files.exists(Path.of("/proc", onFailure)) && !Files.exists(Path.of("/proc", no)));
    TestDaemon.start();

    ContainersIT.waitFor(() -> status("rp-always").equals("running"));
    ContainersIT.waitFor(() -> status("rp-onfailure").equals("running"));
    assertThat(status("rp-unless")).isEqualTo("exited");
    assertThat(docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "rp-no").out().trim())
        .isEqualTo("exited 137");
    assertThat(status("rp-created")).isEqualTo("created");
    // started by the daemon, the always container is no longer "stopped by hand": it is
    // restarted after its next exit
    String pid = docker("inspect", "--format", "{{.State.Pid}}", "rp-always").out().trim();
    check(Exec.sh("kill -9 " + pid), "kill rp-always");
    ContainersIT.waitFor(() -> status("rp-always").equals("running")
        && !docker("inspect", "--format", "{{.State.Pid}}", "rp-always").out().trim().equals(pid));
    for (String n : new String[] {"rp-always", "rp-unless", "rp-onfailure", "rp-no", "rp-created"}) {
      check(docker("rm", "-f", n), "rm");
    }
  }

  /**
   * As dockerd's restore: a {@code --rm} container that is not running when the daemon starts
   * (its process died while the daemon was down, or it was only created) is removed with its
   * anonymous volumes; one still running is adopted and removed, volumes too, when it exits.
   */
  @Test
  void autoRemoveContainersAreRemovedAtDaemonStart() throws Exception {
    docker("rm", "-f", "-v", "rm-died", "rm-lives", "rm-created"); // what a failed run left
    check(docker("run", "-d", "--rm", "--name", "rm-died", "-v", "/data", IMAGE, "sleep", "1000"), "run");
    check(docker("run", "-d", "--rm", "--name", "rm-lives", "-v", "/data", IMAGE, "sleep", "1000"), "run");
    check(docker("create", "--rm", "--name", "rm-created", "-v", "/data", IMAGE, "sleep", "1000"), "create");
    String died = docker("inspect", "--format", "{{.State.Pid}}", "rm-died").out().trim();
    String lives = docker("inspect", "--format", "{{.State.Pid}}", "rm-lives").out().trim();
    String diedVolume = anonymousVolume("rm-died");
    String livesVolume = anonymousVolume("rm-lives");

    TestDaemon.kill9();
    check(Exec.sh("kill -9 " + died), "kill rm-died while berthd is down");
    ContainersIT.waitFor(() -> !Files.exists(Path.of("/proc", died)));
    TestDaemon.start();

    ContainersIT.waitFor(() -> !docker("ps", "-a", "--format", "{{.Names}}").out().contains("rm-died"));
    ContainersIT.waitFor(() -> !docker("ps", "-a", "--format", "{{.Names}}").out().contains("rm-created"));
    assertThat(docker("volume", "inspect", diedVolume).exit()).as("the dead one's anonymous volume").isNotZero();
    assertThat(status("rm-lives")).isEqualTo("running");
    assertThat(docker("inspect", "--format", "{{.State.Pid}}", "rm-lives").out().trim()).isEqualTo(lives);

    check(Exec.sh("kill -9 " + lives), "kill rm-lives after the restart");
    ContainersIT.waitFor(() -> !docker("ps", "-a", "--format", "{{.Names}}").out().contains("rm-lives"));
    ContainersIT.waitFor(() -> docker("volume", "inspect", livesVolume).exit() != 0);
  }

  private static String anonymousVolume(String name) {
    String v = docker("inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", name).out().trim();
    assertThat(v).as("anonymous volume of " + name).hasSize(64);
    return v;
  }

  private static String status(String name) {
    return docker("inspect", "--format", "{{.State.Status}}", name).out().trim();
  }
}
