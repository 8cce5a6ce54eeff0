package io.berth.it;

import static io.berth.it.ContainersIT.waitFor;
import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker cp, export, diff, update and exec resize through the stock docker CLI: copies both ways
 * with Docker's naming rules, on running and stopped containers, into volumes, never out of the
 * container through its symlinks; export and diff of a container's file system; resource limits
 * and restart policy changed on a running container, live in its cgroup and kept across restarts.
 */
class ArchiveIT {
  @TempDir Path tmp;
  private Path host;

  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  @BeforeEach
  void hostTree() throws Exception {
    host = Files.createDirectories(tmp.resolve("h"));
    Files.writeString(host.resolve("f"), "hello\n");
    Files.createDirectories(host.resolve("dir/sub"));
    Files.writeString(host.resolve("dir/sub/x"), "x\n");
    Files.createSymbolicLink(host.resolve("link"), Path.of("f"));
  }

  @AfterEach
  void cleanup() {
    for (String id : docker("ps", "-aq", "--filter", "name=ar-").out().split("\\s+")) {
      if (!id.isBlank()) {
        docker("rm", "-f", "-v", id);
      }
    }
    docker("volume", "rm", "-f", "ar-vol");
  }

  private static String in(String container, String... cmd) {
    List<String> args = new java.util.ArrayList<>(List.of("exec", container));
    args.addAll(List.of(cmd));
    Exec.Result r = docker(args.toArray(String[]::new));
    check(r, "exec " + String.join(" ", cmd));
    return r.out();
  }

  private String h(String rel) {
    return host.resolve(rel).toString();
  }

  @Test
  void copiesBothWaysWithDockersNamingRules() throws Exception {
    check(docker("run", "-d", "--name", "ar-run", IMAGE, "sleep", "300"), "run");
    check(docker("cp", h("f"), "ar-run:/tmp/"), "cp file into a directory");
    assertThat(in("ar-run", "cat", "/tmp/f")).isEqualTo("hello\n");
    check(docker("cp", h("f"), "ar-run:/tmp/renamed"), "cp file to a new name");
    assertThat(in("ar-run", "cat", "/tmp/renamed")).isEqualTo("hello\n");
    check(docker("cp", h("dir"), "ar-run:/tmp/"), "cp dir");
    assertThat(in("ar-run", "cat", "/tmp/dir/sub/x")).isEqualTo("x\n");
    check(docker("cp", h("dir"), "ar-run:/tmp/newdir"), "cp dir to a new name");
    assertThat(in("ar-run", "cat", "/tmp/newdir/sub/x")).isEqualTo("x\n");
    check(docker("cp", h("dir") + "/.", "ar-run:/tmp/content"), "cp dir/. (its content)");
    assertThat(in("ar-run", "ls", "/tmp/content")).isEqualTo("sub\n");
    check(docker("cp", h("link"), "ar-run:/tmp/"), "cp symlink");
    assertThat(in("ar-run", "readlink", "/tmp/link")).isEqualTo("f\n");
    check(docker("cp", "-L", h("link"), "ar-run:/tmp/followed"), "cp -L");
    assertThat(in("ar-run", "sh", "-c", "test -L /tmp/followed || cat /tmp/followed")).isEqualTo("hello\n");
    // Docker's refusals: a file cannot make a directory, a directory cannot replace a file
    assertThat(docker("cp", h("f"), "ar-run:/tmp/missing/").all()).contains("no such directory");
    assertThat(docker("cp", h("dir"), "ar-run:/tmp/f").all()).contains("cannot copy directory");
    Exec.Result r = docker("cp", h("f"), "ar-run:/nonexistent/x");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("Could not find the file /nonexistent in container ar-run");

    Path out = Files.createDirectories(tmp.resolve("out"));
    check(docker("cp", "ar-run:/etc/passwd", out.toString()), "cp out a file");
    assertThat(Files.readString(out.resolve("passwd"))).contains("root:");
    check(docker("cp", "ar-run:/tmp/dir", out.resolve("copied").toString()), "cp out a dir to a new name");
    assertThat(Files.readString(out.resolve("copied/sub/x"))).isEqualTo("x\n");
    check(docker("cp", "ar-run:/tmp/dir/.", out.resolve("contents").toString()), "cp out dir/.");
    assertThat(out.resolve("contents/sub/x")).exists();
    check(docker("cp", "ar-run:/tmp/link", out.toString()), "cp out a symlink");
    assertThat(Files.readSymbolicLink(out.resolve("link")).toString()).isEqualTo("f");
    check(docker("cp", "-L", "ar-run:/tmp/link", out.resolve("deref").toString()), "cp -L out");
    assertThat(Files.readString(out.resolve("deref"))).isEqualTo("hello\n");
    r = docker("cp", "ar-run:/nope", out.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("Could not find the file /nope in container ar-run");
  }

  @Test
  void tarsOnStdinAndStdout() throws Exception {
    check(docker("run", "-d", "--name", "ar-tar", IMAGE, "sleep", "300"), "run");
    Exec.Result tar = Exec.run(TestDaemon.env(), null, 60, List.of("sh", "-c",
        "tar -C " + host + " -c dir | /usr/local/bin/docker cp - ar-tar:/tmp"));
    check(tar, "cp - from stdin");
    assertThat(in("ar-tar", "cat", "/tmp/dir/sub/x")).isEqualTo("x\n");
    Exec.Result listed = Exec.run(TestDaemon.env(), null, 60, List.of("sh", "-c",
        "/usr/local/bin/docker cp ar-tar:/etc/passwd - | tar -tv"));
    check(listed, "cp to stdout");
    assertThat(listed.out()).contains("passwd").contains("0/0");
    assertThat(docker("cp", "-", "ar-tar:/tmp/dir/sub/x").all()).contains("must be a directory");
  }

  @Test
  void stoppedContainersAreMountedForTheCopyAndReleasedAfter() throws Exception {
    check(docker("create", "--name", "ar-stopped", IMAGE, "sleep", "300"), "create");
    String id = docker("inspect", "-f", "{{.Id}}", "ar-stopped").out().trim();
    check(docker("cp", h("f"), "ar-stopped:/tmp/"), "cp into a created container");
    assertThat(mounted(id)).as("rootfs released after the copy").isFalse();
    check(docker("start", "ar-stopped"), "start");
    assertThat(in("ar-stopped", "cat", "/tmp/f")).isEqualTo("hello\n");
    check(docker("exec", "ar-stopped", "sh", "-c", "echo written-while-running > /tmp/w"), "exec");
    check(docker("stop", "-t", "1", "ar-stopped"), "stop");
    Path out = Files.createDirectories(tmp.resolve("from-stopped"));
    check(docker("cp", "ar-stopped:/tmp/w", out.toString()), "cp out of an exited container");
    assertThat(Files.readString(out.resolve("w"))).isEqualTo("written-while-running\n");
    assertThat(mounted(id)).isFalse();
  }

  private static boolean mounted(String id) throws Exception {
    return Files.readString(Path.of("/proc/self/mountinfo")).contains(id + "/rootfs");
  }

  @Test
  void archiveModeGivesTheContainersUserOtherwiseTheTarsOwnerStays() throws Exception {
    Files.setAttribute(host.resolve("f"), "unix:uid", 4321);
    Files.setAttribute(host.resolve("f"), "unix:gid", 4321);
    check(docker("run", "-d", "--name", "ar-own", "--user", "1234:5678", IMAGE, "sleep", "300"), "run");
    check(docker("cp", h("f"), "ar-own:/tmp/plain"), "cp");
    check(docker("cp", "-a", h("f"), "ar-own:/tmp/archived"), "cp -a");
    assertThat(in("ar-own", "stat", "-c", "%u:%g", "/tmp/plain").trim()).isEqualTo("4321:4321");
    assertThat(in("ar-own", "stat", "-c", "%u:%g", "/tmp/archived").trim()).isEqualTo("1234:5678");
  }

  @Test
  void volumesReadOnlyMountsAndReadOnlyRoots() throws Exception {
    Path ro = Files.createDirectories(tmp.resolve("ro"));
    check(docker("run", "-d", "--name", "ar-vol", "--read-only", "-v", "ar-vol:/data", "-v", ro + ":/ro:ro",
        IMAGE, "sleep", "300"), "run");
    check(docker("cp", h("f"), "ar-vol:/data/"), "cp into a volume");
    check(docker("cp", h("dir"), "ar-vol:/data/"), "cp a dir into a volume");
    Exec.Result r = docker("run", "--rm", "-v", "ar-vol:/v", IMAGE, "cat", "/v/f", "/v/dir/sub/x");
    assertThat(r.out()).isEqualTo("hello\nx\n");
    assertThat(docker("cp", h("f"), "ar-vol:/ro/").err()).contains("mounted volume is marked read-only");
    assertThat(ro.toFile().list()).isEmpty();
    assertThat(docker("cp", h("f"), "ar-vol:/tmp/").err()).contains("container rootfs is marked read-only");
    Path out = Files.createDirectories(tmp.resolve("vol-out"));
    check(docker("cp", "ar-vol:/data/dir", out.toString()), "cp out of a volume");
    assertThat(out.resolve("dir/sub/x")).exists();
  }

  @Test
  void symlinksInTheContainerNeverLeadToTheHost() throws Exception {
    String name = "berth-escape-" + UUID.randomUUID();
    Path hostTmp = Path.of("/tmp", name);
    Files.writeString(hostTmp, "host secret\n");
    try {
      check(docker("run", "-d", "--name", "ar-esc", IMAGE, "sleep", "300"), "run");
      check(docker("exec", "ar-esc", "sh", "-c", "mkdir /box; ln -s ../../../../../../../../../tmp /box/up; "
          + "ln -s /tmp /box/abs; echo container-side > /tmp/" + name), "links");
      // writes through ../.. and absolute links land in the container's /tmp
      Files.writeString(host.resolve("evil-" + name), "evil\n");
      check(docker("cp", h("evil-" + name), "ar-esc:/box/up/"), "cp through ../..");
      check(docker("cp", h("evil-" + name), "ar-esc:/box/abs/written"), "cp through an absolute link");
      assertThat(Path.of("/tmp", "evil-" + name)).doesNotExist();
      assertThat(Path.of("/tmp", "written")).doesNotExist();
      assertThat(in("ar-esc", "cat", "/tmp/evil-" + name, "/tmp/written")).isEqualTo("evil\nevil\n");
      // reads too: the container's file, never the host's of the same path
      Path out = Files.createDirectories(tmp.resolve("esc-out"));
      check(docker("cp", "ar-esc:/box/up/" + name, out.resolve("a").toString()), "cp out through ../..");
      check(docker("cp", "-L", "ar-esc:/box/abs", out.resolve("b").toString()), "cp -L out of an absolute link");
      assertThat(Files.readString(out.resolve("a"))).isEqualTo("container-side\n");
      assertThat(Files.readString(out.resolve("b").resolve(name))).isEqualTo("container-side\n");
      check(docker("exec", "ar-esc", "rm", "/tmp/" + name), "rm");
      Exec.Result r = docker("cp", "ar-esc:/box/abs/" + name, out.resolve("c").toString());
      assertThat(r.err()).contains("Could not find the file");
      assertThat(out.resolve("c")).doesNotExist();
      assertThat(Files.readString(hostTmp)).isEqualTo("host secret\n");
    } finally {
      Files.deleteIfExists(hostTmp);
      Files.deleteIfExists(Path.of("/tmp", "evil-" + name));
      Files.deleteIfExists(Path.of("/tmp", "written"));
    }
  }

  @Test
  void exportAndDiff() throws Exception {
    check(docker("run", "-d", "--name", "ar-diff", IMAGE, "sh", "-c",
        "echo x > /added; echo more >> /etc/passwd; rm /etc/group; mkdir -p /newdir/deep; sleep 300"), "run");
    waitFor(() -> docker("exec", "ar-diff", "test", "-d", "/newdir/deep").exit() == 0);
    List<String> diff = docker("diff", "ar-diff").out().lines().toList();
    assertThat(diff).contains("A /added", "C /etc", "C /etc/passwd", "D /etc/group", "A /newdir", "A /newdir/deep");
    assertThat(diff).noneMatch(l -> l.contains("/etc/hosts") || l.contains("/etc/resolv.conf"));
    Exec.Result listed = Exec.run(TestDaemon.env(), null, 60, List.of("sh", "-c",
        "/usr/local/bin/docker export ar-diff | tar -t"));
    check(listed, "export | tar t");
    assertThat(listed.out().lines().toList()).contains("bin/busybox", "added", "etc/passwd", "newdir/deep/")
        .doesNotContain("etc/group");
    check(docker("create", "--name", "ar-exp", IMAGE, "true"), "create");
    Path file = tmp.resolve("exported.tar");
    check(docker("export", "-o", file.toString(), "ar-exp"), "export a created container");
    assertThat(Files.size(file)).isGreaterThan(100_000);
  }

  @Test
  void updateChangesLimitsLiveAndKeepsThemAcrossRestarts() throws Exception {
    check(docker("run", "-d", "--name", "ar-up", "--memory", "128m", IMAGE, "sh", "-c",
        "while [ ! -f /tmp/stop ]; do sleep 0.2; done; rm /tmp/stop; exit 3"), "run");
    String id = docker("inspect", "-f", "{{.Id}}", "ar-up").out().trim();
    Exec.Result r = docker("update", "--memory", "64m", "--cpus", "0.5", "--restart", "always", "ar-up");
    check(r, "update");
    assertThat(r.out().trim()).isEqualTo("ar-up");
    assertThat(docker("inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.RestartPolicy.Name}}",
        "ar-up").out().trim()).isEqualTo("67108864 500000000 always");
    assertThat(memoryLimit(id)).isEqualTo(64L << 20);
    assertThat(cpuQuota(id)).isEqualTo(50_000);
    // the new policy applies to the next exit, and the restarted process gets the new limits
    check(docker("exec", "ar-up", "touch", "/tmp/stop"), "stop the process");
    waitFor(() -> docker("inspect", "-f", "{{.RestartCount}} {{.State.Status}}", "ar-up").out().trim()
        .equals("1 running"));
    assertThat(memoryLimit(id)).isEqualTo(64L << 20);
    r = docker("update", "--cpuset-cpus", "0", "ar-up");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("CpusetCpus");
    // a stopped container takes the update at its next start
    check(docker("create", "--name", "ar-later", IMAGE, "sleep", "300"), "create");
    check(docker("update", "--memory", "32m", "--pids-limit", "50", "ar-later"), "update a created container");
    check(docker("start", "ar-later"), "start");
    String later = docker("inspect", "-f", "{{.Id}}", "ar-later").out().trim();
    assertThat(memoryLimit(later)).isEqualTo(32L << 20);
  }

  private static final Path CGROUP = Path.of("/sys/fs/cgroup");
  private static final String PARENT = "berth-it" + TestDaemon.SLOT;

  /** The container's memory limit in its cgroup (v1 memory.limit_in_bytes, or v2 memory.max). */
  private static long memoryLimit(String id) throws Exception {
    if (Files.exists(CGROUP.resolve("cgroup.controllers"))) {
      return Long.parseLong(Files.readString(CGROUP.resolve(PARENT).resolve(id).resolve("memory.max")).trim());
    }
    return Long.parseLong(Files.readString(CGROUP.resolve("memory").resolve(PARENT).resolve(id)
        .resolve("memory.limit_in_bytes")).trim());
  }

  private static long cpuQuota(String id) throws Exception {
    if (Files.exists(CGROUP.resolve("cgroup.controllers"))) {
      return Long.parseLong(Files.readString(CGROUP.resolve(PARENT).resolve(id).resolve("cpu.max")).split(" ")[0]);
    }
    return Long.parseLong(Files.readString(CGROUP.resolve("cpu").resolve(PARENT).resolve(id)
        .resolve("cpu.cfs_quota_us")).trim());
  }

  @Test
  void aTtyExecFollowsTerminalResizes() {
    check(docker("run", "-d", "--name", "ar-tty", IMAGE, "sleep", "300"), "run");
    String created = curl("POST", "/containers/ar-tty/exec", "{\"Tty\":true,\"AttachStdout\":true,\"Cmd\":[\"sh\",\"-c\","
        + "\"while true; do stty size > /tmp/size.new && mv /tmp/size.new /tmp/size; sleep 0.2; done\"]}");
    String exec = created.replaceAll("(?s).*\"Id\":\"([0-9a-f]+)\".*", "$1");
    assertThat(exec).matches("[0-9a-f]{64}");
    curl("POST", "/exec/" + exec + "/start", "{\"Detach\":true,\"Tty\":true}");
    assertThat(curl("POST", "/exec/" + exec + "/resize?h=33&w=111", null)).isEqualTo("200");
    waitFor(() -> docker("exec", "ar-tty", "cat", "/tmp/size").out().trim().equals("33 111"));
    assertThat(curl("POST", "/exec/" + exec + "/resize?h=44&w=90", null)).isEqualTo("200");
    waitFor(() -> docker("exec", "ar-tty", "cat", "/tmp/size").out().trim().equals("44 90"));
    // docker exec -it: the client's terminal size is the exec's from its first line
    Exec.Result r = Exec.run(TestDaemon.env(), null, 60, List.of("script", "-qec",
        "stty rows 40 cols 100; /usr/local/bin/docker exec -it ar-tty stty size", "/dev/null"));
    assertThat(r.out()).contains("40 100");
  }

  /** The Engine API over the unix socket; the body, or the status code when {@code json} is null. */
  private static String curl(String method, String path, String json) {
    List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-s", "-X", method, "--unix-socket",
        TestDaemon.SOCKET.toString()));
    if (json == null) {
      cmd.addAll(List.of("-o", "/dev/null", "-w", "%{http_code}"));
    } else {
      cmd.addAll(List.of("-H", "Content-Type: application/json", "-d", json));
    }
    cmd.add("http://d/v1.47" + path);
    Exec.Result r = Exec.run(java.util.Map.of(), null, 30, cmd);
    check(r, "curl " + path);
    return r.out();
  }

  @Test
  void berthHasTheSameVerbs() throws Exception {
    check(docker("run", "-d", "--name", "ar-berth", IMAGE, "sleep", "300"), "run");
    check(TestDaemon.berth("cp", h("dir"), "ar-berth:/tmp/bdir"), "berth cp in");
    Path out = Files.createDirectories(tmp.resolve("berth-out"));
    check(TestDaemon.berth("cp", "ar-berth:/tmp/bdir/.", out.resolve("b").toString()), "berth cp out");
    assertThat(Files.readString(out.resolve("b/sub/x"))).isEqualTo("x\n");
    assertThat(TestDaemon.berth("diff", "ar-berth").out()).contains("A /tmp/bdir/sub/x");
    check(TestDaemon.berth("export", "-o", out.resolve("e.tar").toString(), "ar-berth"), "berth export");
    assertThat(Files.size(out.resolve("e.tar"))).isGreaterThan(100_000);
    check(TestDaemon.berth("update", "--memory", "48m", "ar-berth"), "berth update");
    assertThat(docker("inspect", "-f", "{{.HostConfig.Memory}}", "ar-berth").out().trim()).isEqualTo("50331648");
    assertThat(Files.exists(out.resolve("b"), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }
}
