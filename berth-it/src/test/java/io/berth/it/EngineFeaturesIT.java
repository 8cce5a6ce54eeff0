package io.berth.it;

import static io.berth.it.ContainersIT.waitFor;
import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** More docker CLI verbs against berthd: events, stats, df, pause, attach, TTY exec, health, init, volumes. */
class EngineFeaturesIT {
  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  @AfterEach
  void cleanup() {
    for (String id : docker("ps", "-aq").out().split("\\s+")) {
      if (!id.isBlank()) {
        docker("rm", "-f", "-v", id);
      }
    }
  }

  @Test
  void eventsInfoAndDiskUsage() {
    long since = System.currentTimeMillis() / 1000 - 1;
    check(docker("run", "--rm", "--name", "ev1", IMAGE, "true"), "run");
    long until = System.currentTimeMillis() / 1000 + 1;
    Exec.Result r = docker("events", "--since", Long.toString(since), "--until", Long.toString(until),
        "--filter", "container=ev1", "--format", "{{.Action}}");
    assertThat(r.exit()).isZero();
    assertThat(r.out().lines().toList()).containsSubsequence("create", "start", "die", "destroy");
    r = docker("info", "--format", "{{.Driver}} {{.CgroupDriver}} {{.OSType}}");
    assertThat(r.out().trim()).isEqualTo("overlay2 cgroupfs linux");
    r = docker("system", "df");
    check(r, "system df");
    assertThat(r.out()).contains("Images").contains("Containers");
  }

  @Test
  void statsPauseRestartAndWait() {
    check(docker("run", "-d", "--name", "st", "--memory", "32m", IMAGE, "sleep", "300"), "run");
    Exec.Result r = docker("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}", "st");
    check(r, "stats");
    assertThat(r.out()).startsWith("st ").contains("/ 32MiB");
    check(docker("pause", "st"), "pause");
    assertThat(docker("inspect", "--format", "{{.State.Status}}", "st").out().trim()).isEqualTo("paused");
    check(docker("unpause", "st"), "unpause");
    String pid = docker("inspect", "--format", "{{.State.Pid}}", "st").out().trim();
    check(docker("restart", "-t", "1", "st"), "restart");
    assertThat(docker("inspect", "--format", "{{.State.Status}}", "st").out().trim()).isEqualTo("running");
    assertThat(docker("inspect", "--format", "{{.State.Pid}}", "st").out().trim()).isNotEqualTo(pid);
  }

  @Test
  void attachToARunningContainerAndTtyExec() {
    check(docker("run", "-d", "--name", "att", IMAGE, "sh", "-c", "sleep 1; echo late-line; sleep 1"), "run");
    Exec.Result r = docker("attach", "att");
    assertThat(r.out()).contains("late-line");
    check(docker("run", "-d", "--name", "tty", IMAGE, "sleep", "300"), "run");
    r = Exec.run(TestDaemon.env(), null, 60,
        List.of("script", "-qec", "/usr/local/bin/docker exec -t tty sh -c 'tty; echo ok'", "/dev/null"));
    assertThat(r.out()).contains("/dev/pts/").contains("ok");
    // docker run -it: the typed line reaches the shell through conmon's attach socket
    r = Exec.run(TestDaemon.env(), null, 60, List.of("sh", "-c",
        "(sleep 2; echo 'echo typed-$((40+2))'; sleep 1; echo exit) | script -qec '/usr/local/bin/docker run -it --rm "
            + IMAGE + " sh' /dev/null"));
    assertThat(r.out()).contains("typed-42");
  }

  @Test
  void containerTerminalIsResized() {
    check(docker("run", "-d", "-t", "--name", "tt", IMAGE, "sh", "-c", "sleep 2; stty size"), "run -t");
    Exec.Result r = Exec.sh("curl -s -o /dev/null -w '%{http_code}' -XPOST --unix-socket " + TestDaemon.SOCKET
        + " 'http://d/v1.47/containers/tt/resize?h=33&w=77'");
    assertThat(r.out()).isEqualTo("200");
    waitFor(() -> docker("logs", "tt").out().contains("33 77"));
  }

  @Test
  void healthCheckBecomesHealthy() {
    check(docker("run", "-d", "--name", "hc", "--health-cmd", "test -f /tmp/ready", "--health-interval", "1s",
        "--health-retries", "2", IMAGE, "sh", "-c", "touch /tmp/ready; sleep 300"), "run");
    waitFor(() -> docker("inspect", "--format", "{{.State.Health.Status}}", "hc").out().trim().equals("healthy"));
    assertThat(docker("ps", "--format", "{{.Status}}").out()).contains("(healthy)");
    check(docker("exec", "hc", "rm", "/tmp/ready"), "exec");
    waitFor(() -> docker("inspect", "--format", "{{.State.Health.Status}}", "hc").out().trim().equals("unhealthy"));
  }

  @Test
  void aStartingContainerIsProbedEveryStartInterval() {
    // a minute between probes, but one a second while it starts: healthy long before the minute
    check(docker("run", "-d", "--name", "hcs", "--health-cmd", "true", "--health-interval", "60s",
        "--health-start-period", "50s", "--health-start-interval", "1s", IMAGE, "sleep", "300"), "run");
    waitFor(() -> docker("inspect", "--format", "{{.State.Health.Status}}", "hcs").out().trim().equals("healthy"));
    assertThat(docker("inspect", "--format", "{{.State.Health.Status}}", "hcs").out().trim()).isEqualTo("healthy");
  }

  @Test
  void initAndCpuLimits() {
    Exec.Result r = docker("run", "--rm", "--init", IMAGE, "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '");
    assertThat(r.out()).startsWith("/sbin/docker-init -- sh");
    r = docker("run", "--rm", "--cpus", "0.5", IMAGE, "cat", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
    assertThat(r.out().trim()).isEqualTo("50000");
  }

  /**
   * An exec'd process runs with the container's rlimits, not berthd's (which the JVM raised):
   * the exec's process spec is the container's, as dockerd's is. Open files use soft = hard
   * here: with soft &lt; hard, runc before 1.1.13 sometimes starts an exec with soft = hard
   * (RuncVersion), so that case is checked on the container's own process, which runc sets
   * after its Go runtime started.
   */
  @Test
  void execRunsWithTheContainersRlimits() {
    check(docker("run", "-d", "--name", "rl", "--ulimit", "nofile=1536:1536", "--ulimit", "nproc=300:400",
        IMAGE, "sleep", "300"), "run");
    Exec.Result r = docker("exec", "rl", "sh", "-c", "echo $(ulimit -n) $(ulimit -Hn) $(ulimit -u) $(ulimit -Hu)");
    check(r, "exec");
    assertThat(r.out().trim()).isEqualTo("1536 1536 300 400");
    check(docker("run", "-d", "--name", "rl2", "--ulimit", "nofile=1024:2048", IMAGE, "sleep", "300"), "run");
    r = docker("exec", "rl2", "awk", "/Max open files/ {print $4, $5}", "/proc/1/limits");
    check(r, "exec");
    assertThat(r.out().trim()).isEqualTo("1024 2048");
    check(docker("rm", "-f", "rl", "rl2"), "rm");
  }

  @Test
  void imageVolumesAreSeededAndRemovedWithTheContainer() throws Exception {
    byte[] tar = Files.readAllBytes(TestDaemon.BASE.resolve("busybox-rootfs.tar"));
    check(TestDaemon.dockerIn(tar, "import", "-c", "VOLUME /www", "-", "it/vol:1"), "import");
    check(docker("run", "--name", "v1", "it/vol:1", "cat", "/www/hello"), "run");
    String vol = docker("inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", "v1").out().trim();
    Exec.Result mounts = docker("inspect", "--format", "{{json .Mounts}}", "v1");
    assertThat(mounts.out()).contains("\"Destination\":\"/www\"").contains("\"Type\":\"volume\"");
    assertThat(docker("logs", "v1").out()).isEqualTo("Hello from Berth\n");
    assertThat(docker("volume", "ls", "-q").out()).isNotBlank();
    check(docker("rm", "-v", "v1"), "rm -v");
    assertThat(docker("volume", "ls", "-q").out()).doesNotContain(vol.isEmpty() ? "\u0000" : vol);
    check(docker("rmi", "it/vol:1"), "rmi");
  }

  @Test
  void envFileBindMountsAndLoopbackOnlyPublishing() throws Exception {
    Path envFile = TestDaemon.BASE.resolve("env.list");
    Files.writeString(envFile, "# comment\nFROM_FILE=yes\n");
    Path host = TestDaemon.BASE.resolve("bind-src");
    Files.createDirectories(host);
    Files.writeString(host.resolve("f"), "from-host\n");
    Exec.Result r = docker("run", "--rm", "--env-file", envFile.toString(), "-v", host + ":/mnt:ro", IMAGE,
        "sh", "-c", "echo $FROM_FILE; cat /mnt/f; touch /mnt/x || echo ro");
    assertThat(r.out()).isEqualTo("yes\nfrom-host\nro\n");
    check(docker("run", "-d", "--name", "lo", "-p", "127.0.0.1:28383:8080", IMAGE,
        "httpd", "-f", "-p", "8080", "-h", "/www"), "run");
    waitFor(() -> Exec.sh("curl -sf http://127.0.0.1:28383/hello").out().contains("Hello"));
    assertThat(docker("port", "lo").out()).contains("127.0.0.1:28383");
  }

  @Test
  void pruneRemovesStoppedContainers() {
    check(docker("create", "--name", "p1", IMAGE, "true"), "create");
    Exec.Result r = docker("container", "prune", "-f");
    check(r, "prune");
    assertThat(docker("ps", "-aq").out()).isBlank();
  }
}
