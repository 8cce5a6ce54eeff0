package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Container verbs through the stock docker CLI against berthd. */
class ContainersIT {
  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  @AfterEach
  void cleanup() {
    for (String id : docker("ps", "-aq").out().split("\\s+")) {
      if (!id.isBlank()) {
        docker("rm", "-f", id);
      }
    }
  }

  @Test
  void runAttachedPrintsOutputAndPropagatesExitCode() {
    Exec.Result r = docker("run", "--rm", IMAGE, "echo", "hello berth");
    check(r, "run");
    assertThat(r.out()).isEqualTo("hello berth\n");
    r = docker("run", "--rm", IMAGE, "sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.out()).isEqualTo("out\n");
    assertThat(r.err()).contains("err\n");
    assertThat(docker("ps", "-aq").out()).isBlank();
    // their files left their paths with the removal, and the trash they went to is emptied behind
    java.nio.file.Path data = TestDaemon.BASE.resolve("data");
    java.nio.file.Path exec = TestDaemon.BASE.resolve("exec");
    assertThat(data.resolve("containers")).isEmptyDirectory();
    assertThat(data.resolve("overlay/containers")).isEmptyDirectory();
    assertThat(exec.resolve("containers")).isEmptyDirectory();
    for (java.nio.file.Path trash : java.util.List.of(data.resolve("trash"), data.resolve("overlay/trash"),
        exec.resolve("trash"))) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!empty(trash) && System.nanoTime() < deadline) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      assertThat(trash).as("the trash of removed containers").isEmptyDirectory();
    }
  }

  private static boolean empty(java.nio.file.Path dir) {
    try (var s = java.nio.file.Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void pipedStdinEndsTheInputAndALeavingAttachKeepsItOpen() {
    // twenty quick runs: the end of the input used to be lost now and then, leaving cat waiting
    for (int i = 0; i < 20; i++) {
      Exec.Result r = TestDaemon.dockerIn(("line " + i + "\n").getBytes(), "run", "-i", "--rm", IMAGE, "sh", "-c", "cat; echo end");
      check(r, "run -i #" + i);
      assertThat(r.out()).isEqualTo("line " + i + "\nend\n");
    }
    Exec.Result r = TestDaemon.dockerIn(new byte[0], "run", "-i", "--rm", IMAGE, "sh", "-c", "cat; echo end");
    assertThat(r.out()).as("an empty input is an end of file too").isEqualTo("end\n");

    // started detached with -i (StdinOnce false): the input outlives each client that attaches and leaves
    check(docker("run", "-d", "-i", "--name", "keep", IMAGE, "sh", "-c", "cat > /tmp/in"), "run -d -i");
    for (String line : java.util.List.of("a", "b")) {
      Exec.run(TestDaemon.env(), (line + "\n").getBytes(), 30,
          java.util.List.of("timeout", "-s", "KILL", "3", "/usr/local/bin/docker", "attach", "keep"));
      waitFor(() -> docker("exec", "keep", "cat", "/tmp/in").out().contains(line + "\n"));
      assertThat(docker("inspect", "-f", "{{.State.Running}}", "keep").out().trim()).isEqualTo("true");
    }
    assertThat(docker("exec", "keep", "cat", "/tmp/in").out()).isEqualTo("a\nb\n");
    // the connections those clients opened stay open until the container exits, on one shared drain thread
    assertThat(threadsNamed("attach-drain")).isEqualTo(1);
  }

  /** berthd's threads with this name (the kernel's view: /proc/PID/task/TID/comm). */
  private static long threadsNamed(String name) {
    try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc", Long.toString(TestDaemon.pid()), "task"))) {
      return tasks.filter(t -> {
        try {
          return java.nio.file.Files.readString(t.resolve("comm")).trim().equals(name);
        } catch (java.io.IOException e) {
          return false; // the thread ended meanwhile
        }
      }).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void optionsReachTheProcess() {
    Exec.Result r = docker("run", "--rm", "-e", "A=1", "-w", "/tmp", "-u", "65534:65534",
        "--hostname", "box", IMAGE, "sh", "-c", "echo $A $(pwd) $(id -u):$(id -g) $(hostname)");
    check(r, "run");
    assertThat(r.out().trim()).isEqualTo("1 /tmp 65534:65534 box");
    r = docker("run", "--rm", "--entrypoint", "/bin/echo", IMAGE, "via", "entrypoint");
    assertThat(r.out()).isEqualTo("via entrypoint\n");
  }

  @Test
  void detachedLifecycle() {
    Exec.Result r = docker("run", "-d", "--name", "lc", IMAGE, "sh", "-c", "echo started; sleep 1000");
    check(r, "run -d");
    String id = r.out().trim();
    assertThat(id).hasSize(64);
    r = docker("ps", "--format", "{{.Names}} {{.Status}}");
    assertThat(r.out()).contains("lc Up");
    waitFor(() -> docker("logs", "lc").out().contains("started"));
    r = docker("inspect", "--format", "{{.State.Running}} {{.Name}} {{.Config.Image}}", "lc");
    assertThat(r.out().trim()).isEqualTo("true /lc " + IMAGE);
    r = docker("top", "lc");
    check(r, "top");
    assertThat(r.out()).contains("sleep 1000");
    check(docker("exec", "lc", "sh", "-c", "echo exec-ok > /tmp/x"), "exec");
    r = docker("exec", "lc", "cat", "/tmp/x");
    assertThat(r.out()).isEqualTo("exec-ok\n");
    r = docker("exec", "lc", "sh", "-c", "exit 7");
    assertThat(r.exit()).isEqualTo(7);
    check(docker("rename", "lc", "lc2"), "rename");
    check(docker("stop", "-t", "1", "lc2"), "stop");
    r = docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "lc2");
    assertThat(r.out().trim()).isEqualTo("exited 137");
    check(docker("start", "lc2"), "start");
    assertThat(docker("inspect", "--format", "{{.State.Status}}", "lc2").out().trim()).isEqualTo("running");
    check(docker("kill", "lc2"), "kill");
    r = docker("wait", "lc2");
    assertThat(r.out().trim()).isEqualTo("137");
    check(docker("rm", "lc2"), "rm");
    assertThat(docker("ps", "-aq").out()).isBlank();
  }

  @Test
  void stopSendsTermFirst() {
    check(docker("run", "-d", "--name", "term", IMAGE, "sh", "-c",
        "trap 'echo got-term; exit 0' TERM; while true; do sleep 0.1; done"), "run");
    check(docker("stop", "term"), "stop");
    assertThat(docker("inspect", "--format", "{{.State.ExitCode}}", "term").out().trim()).isEqualTo("0");
    assertThat(docker("logs", "term").out()).contains("got-term");
  }

  @Test
  void logsOptions() {
    check(docker("run", "--name", "lg", IMAGE, "sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done; echo e >&2"), "run");
    Exec.Result r = docker("logs", "--tail", "2", "lg");
    assertThat(r.out()).isEqualTo("line5\n");
    assertThat(r.err()).isEqualTo("e\n");
    r = docker("logs", "-t", "lg");
    assertThat(r.out().lines().findFirst().orElse("")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z line1");
    r = docker("logs", "--since", "2099-01-01T00:00:00Z", "lg");
    assertThat(r.out()).isEmpty();
    // -f follows until the container exits, and nothing printed meanwhile is lost
    check(docker("run", "-d", "--name", "lgf", IMAGE, "sh", "-c", "echo a; sleep 1; echo b; sleep 1; echo c"), "run");
    r = docker("logs", "-f", "lgf");
    assertThat(r.out()).isEqualTo("a\nb\nc\n");
  }

  @Test
  void publishedPortAnswersOnLoopbackAndHostAddress() {
    check(docker("run", "-d", "--name", "web", "-p", "28181:8080", IMAGE,
        "httpd", "-f", "-p", "8080", "-h", "/www"), "run");
    waitFor(() -> Exec.sh("curl -sf http://127.0.0.1:28181/hello").out().contains("Hello from Berth"));
    Exec.Result r = docker("port", "web");
    assertThat(r.out()).contains("8080/tcp -> 0.0.0.0:28181");
    // the publish chain's rules only: accept rules for other daemons' bridges come and go with them
    String rulesBefore = Exec.sh("nft list table ip " + TestDaemon.NFT_TABLE + " | grep -c 'dnat to' || true").out().trim();
    assertThat(rulesBefore).as("web's published port").isNotEqualTo("0");
    Exec.Result conflict = docker("run", "-d", "--name", "conflict", "-p", "28181:8080", IMAGE, "sleep", "100");
    assertThat(conflict.exit()).isNotZero();
    assertThat(conflict.err()).contains("Bind for 0.0.0.0:28181 failed: port is already allocated");
    // the failed start left no veth, namespace, mount or rule behind; the container stays "created"
    assertThat(docker("inspect", "--format", "{{.State.Status}}", "conflict").out().trim()).isEqualTo("created");
    String cid = docker("inspect", "--format", "{{.Id}}", "conflict").out().trim();
    // its host veth (vb + 5 characters of its id) goes in the background; other daemons' veths are not ours to count
    String veths = "ip -o link show type veth | grep -c ' vb" + cid.substring(0, 5) + "' || true";
    waitFor(() -> Exec.sh(veths).out().trim().equals("0"));
    assertThat(Exec.sh(veths).out().trim()).isEqualTo("0");
    assertThat(Exec.sh("ip netns list | grep -c 'berth-" + TestDaemon.BRIDGE + "-" + cid.substring(0, 12) + "' || true")
        .out().trim()).isEqualTo("0");
    assertThat(Exec.sh("nft list table ip " + TestDaemon.NFT_TABLE + " | grep -c 'dnat to' || true").out().trim()).isEqualTo(rulesBefore);
    assertThat(Exec.sh("grep -c " + cid + " /proc/self/mountinfo || true").out().trim()).isEqualTo("0");
    check(docker("run", "-d", "--name", "rnd", "-P", "--expose", "8080", IMAGE,
        "httpd", "-f", "-p", "8080", "-h", "/www"), "run -P");
    String mapped = docker("port", "rnd", "8080/tcp").out().trim();
    assertThat(mapped).matches("0\\.0\\.0\\.0:\\d+");
    String port = mapped.substring(mapped.indexOf(':') + 1);
    waitFor(() -> Exec.sh("curl -sf http://127.0.0.1:" + port + "/hello").out().contains("Hello"));
    // container to container through the published port of the other one (hairpin via gateway)
    Exec.Result c2c = docker("run", "--rm", IMAGE, "wget", "-qO-", "http://" + TestDaemon.SUBNET_PREFIX + "1:28181/hello");
    assertThat(c2c.out()).contains("Hello from Berth");
  }

  @Test
  void memoryLimitOomKillsTheContainerNotTheHost() {
    Exec.Result r = docker("run", "--name", "oom", "--memory", "16m", IMAGE, "sh", "-c",
        "x=a; while true; do x=$x$x; done");
    assertThat(r.exit()).isEqualTo(137);
    assertThat(docker("inspect", "--format", "{{.State.OOMKilled}}", "oom").out().trim()).isEqualTo("true");
    r = docker("run", "--rm", "--memory", "64m", IMAGE, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes");
    assertThat(r.out().trim()).isEqualTo(Long.toString(64L * 1024 * 1024));
  }

  @Test
  void defaultIsolation() {
    Exec.Result r = docker("run", "--rm", IMAGE, "sh", "-c", "grep CapEff /proc/self/status");
    assertThat(r.out().trim()).isEqualTo("CapEff:\t00000000a80425fb");
    r = docker("run", "--rm", "--privileged", IMAGE, "sh", "-c", "grep -E 'CapEff|Seccomp:' /proc/self/status");
    // privileged means every capability the daemon holds itself (its bounding set), no seccomp
    String hostBounding = Exec.sh("grep CapBnd /proc/self/status | cut -f2").out().trim();
    assertThat(r.out()).contains("CapEff:\t" + hostBounding).contains("Seccomp:\t0");
    r = docker("run", "--rm", "--cap-drop", "ALL", IMAGE, "sh", "-c", "grep CapEff /proc/self/status");
    assertThat(r.out().trim()).isEqualTo("CapEff:\t0000000000000000");
    r = docker("run", "--rm", IMAGE, "sh", "-c", "grep Seccomp: /proc/self/status");
    assertThat(r.out().trim()).isEqualTo("Seccomp:\t2");
    r = docker("run", "--rm", "--security-opt", "no-new-privileges", IMAGE, "grep", "NoNewPrivs", "/proc/self/status");
    assertThat(r.out().trim()).isEqualTo("NoNewPrivs:\t1");
    r = docker("run", "--rm", IMAGE, "grep", "NoNewPrivs", "/proc/self/status");
    assertThat(r.out().trim()).isEqualTo("NoNewPrivs:\t0");
    r = docker("run", "--rm", "--read-only", IMAGE, "touch", "/x");
    assertThat(r.exit()).isNotZero();
    r = docker("run", "--rm", "--pids-limit", "20", IMAGE, "cat", "/sys/fs/cgroup/pids/pids.max");
    assertThat(r.out().trim()).isEqualTo("20");
  }

  @Test
  void listFilters() {
    check(docker("run", "--name", "f-exited", "-l", "team=a", IMAGE, "true"), "run");
    check(docker("run", "-d", "--name", "f-running", "-l", "team=b", IMAGE, "sleep", "100"), "run");
    assertThat(docker("ps", "-a", "--filter", "status=exited", "--format", "{{.Names}}").out().trim()).isEqualTo("f-exited");
    assertThat(docker("ps", "-a", "--filter", "label=team=b", "--format", "{{.Names}}").out().trim()).isEqualTo("f-running");
    assertThat(docker("ps", "--format", "{{.Names}}").out().trim()).isEqualTo("f-running");
    assertThat(docker("ps", "-a", "--filter", "name=f-", "-q").out().lines().count()).isEqualTo(2);
    assertThat(docker("ps", "-a", "--filter", "bogus=1").exit()).isNotZero();
  }

  @Test
  void unlessStoppedIsNotRestartedAfterAManualStop() throws Exception {
    check(docker("run", "-d", "--name", "us", "--restart", "unless-stopped", IMAGE, "sleep", "100"), "run");
    check(docker("stop", "-t", "1", "us"), "stop");
    Thread.sleep(1500);
    assertThat(docker("inspect", "--format", "{{.State.Status}} {{.RestartCount}}", "us").out().trim())
        .isEqualTo("exited 0");
  }

  @Test
  void restartPolicyOnFailure() {
    check(docker("run", "-d", "--name", "rp", "--restart", "on-failure:2", IMAGE, "sh", "-c", "exit 1"), "run");
    waitFor(() -> docker("inspect", "--format", "{{.RestartCount}} {{.State.Status}}", "rp").out().trim()
        .equals("2 exited"));
  }

  @Test
  void volumesAndTmpfs() {
    check(docker("volume", "create", "data1"), "volume create");
    check(docker("run", "--rm", "-v", "data1:/data", IMAGE, "sh", "-c", "echo kept > /data/f"), "write");
    Exec.Result r = docker("run", "--rm", "-v", "data1:/data:ro", IMAGE, "cat", "/data/f");
    assertThat(r.out()).isEqualTo("kept\n");
    r = docker("run", "--rm", "--tmpfs", "/scratch", IMAGE, "sh", "-c", "grep /scratch /proc/mounts");
    assertThat(r.out()).contains("tmpfs");
    check(docker("volume", "rm", "data1"), "volume rm");
  }

  @Test
  void badInputIsRefusedAndLeavesNothing() {
    Exec.Result r = docker("run", "--memory", "lots", IMAGE, "true");
    assertThat(r.exit()).isNotZero();
    r = docker("run", "--rm", "it/none:404", "true");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).containsIgnoringCase("it/none");
    r = docker("run", "--rm", IMAGE, "/no/such/binary");
    assertThat(r.exit()).isEqualTo(127);
    r = docker("run", "--name", "bad name!", IMAGE, "true");
    assertThat(r.exit()).isNotZero();
    r = docker("run", "--rm", "--mount", "type=bind,source=/nonexistent/berth,target=/x", IMAGE, "true");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("bind source path does not exist");
    r = docker("run", "--rm", "--restart", "always", IMAGE, "true");
    assertThat(r.exit()).isNotZero();
    r = Exec.sh("curl -s -o /dev/null -w '%{http_code}' --unix-socket " + TestDaemon.SOCKET
        + " -H 'Content-Type: application/json' -d '{not json' http://d/v1.47/containers/create");
    assertThat(r.out()).isEqualTo("400");
    assertThat(docker("ps", "-aq").out()).isBlank();
  }

  @Test
  void runsLeaveNoRuntimeStateCgroupNamespaceOrVethBehind() {
    // berthd starts a created container through runc's exec fifo and cleans up after an exit
    // without runc delete; the host side of the veth goes in the background
    for (int i = 0; i < 5; i++) {
      check(docker("run", "--rm", IMAGE, "sh", "-c", "echo run " + i), "run --rm #" + i);
    }
    String id = docker("run", "-d", IMAGE, "sh", "-c", "echo started; sleep 300").out().trim();
    assertThat(docker("inspect", "-f", "{{.State.Status}}", id).out().trim()).isEqualTo("running");
    waitFor(() -> docker("logs", id).out().contains("started"));
    check(docker("rm", "-f", id), "rm -f");
    String runcRoot = TestDaemon.BASE + "/exec/runc";
    assertThat(Exec.sh("ls -A " + runcRoot).out()).isBlank();
    assertThat(Exec.sh("ls -d /sys/fs/cgroup/*/berth-it" + TestDaemon.SLOT + "/*/ 2>/dev/null").out()).isBlank();
    assertThat(Exec.sh("ip netns list | grep -c '^berth-" + TestDaemon.BRIDGE + "-' || true").out().trim()).isEqualTo("0");
    waitFor(() -> Exec.sh("ip -o link show master " + TestDaemon.BRIDGE + " | grep -c vb || true").out().trim().equals("0"));
    assertThat(Exec.sh("ip -o link show master " + TestDaemon.BRIDGE + " | grep -c vb || true").out().trim()).isEqualTo("0");
  }

  static void waitFor(java.util.function.BooleanSupplier cond) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (cond.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new AssertionError("condition not met within 30s");
  }
}
