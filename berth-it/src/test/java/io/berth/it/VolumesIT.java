package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.berth;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes of the local driver through the stock docker CLI and bin/berth: driver options (tmpfs,
 * bind), copy-up and nocopy, anonymous volumes, --mount, filters, prune, inspect, in-use errors.
 */
class VolumesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SEEDED = "it/seeded:1";
  @TempDir Path tmp;

  @BeforeAll
  static void daemon() throws Exception {
    TestDaemon.ensure();
    // an image with content under its VOLUME, owned by someone else and with its own modes
    Path ctx = Files.createTempDirectory("volumes-it");
    Files.writeString(ctx.resolve("Dockerfile"), "FROM " + IMAGE + "\n"
        + "RUN mkdir /data && echo hi > /data/f && chown 1234:5678 /data/f && chmod 640 /data/f"
        + " && chown 1234:5678 /data && chmod 1750 /data\n"
        + "VOLUME /data\n");
    Map<String, String> env = new HashMap<>(TestDaemon.env());
    env.put("DOCKER_BUILDKIT", "0");
    check(Exec.run(env, null, 120, List.of("/usr/local/bin/docker", "build", "-q", "-t", SEEDED, ctx.toString())),
        "docker build");
  }

  @AfterEach
  void cleanup() {
    for (String id : docker("ps", "-aq").out().split("\\s+")) {
      if (!id.isBlank()) {
        docker("rm", "-f", "-v", id);
      }
    }
    for (String v : docker("volume", "ls", "-q").out().split("\\s+")) {
      if (!v.isBlank()) {
        docker("volume", "rm", "-f", v);
      }
    }
  }

  private static String mountpoint(String volume) {
    return docker("volume", "inspect", "-f", "{{.Mountpoint}}", volume).out().trim();
  }

  private static boolean hostMounted(String path) {
    return Exec.sh("findmnt -rn " + path).exit() == 0;
  }

  private static List<String> volumeNames() {
    return List.of(docker("volume", "ls", "-q").out().split("\\s+")).stream().filter(s -> !s.isBlank()).toList();
  }

  @Test
  void tmpfsVolumeIsATmpfsWhileUsedAndGoneAfter() {
    check(docker("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=8m", "scratch"), "create");
    assertThat(docker("volume", "inspect", "-f", "{{.Options.type}} {{.Options.device}} {{.Options.o}}", "scratch")
        .out().trim()).isEqualTo("tmpfs tmpfs size=8m");
    String mp = mountpoint("scratch");
    assertThat(hostMounted(mp)).as("not mounted before a container uses it").isFalse();
    check(docker("run", "-d", "--name", "user1", "-v", "scratch:/scratch", IMAGE, "sleep", "1000"), "run");
    Exec.Result r = docker("exec", "user1", "grep", " /scratch ", "/proc/mounts");
    check(r, "grep /proc/mounts");
    assertThat(r.out()).startsWith("tmpfs /scratch tmpfs ").contains("size=8192k");
    check(docker("exec", "user1", "sh", "-c", "echo x > /scratch/f"), "write");
    assertThat(hostMounted(mp)).isTrue();
    // a second user keeps it mounted when the first stops
    check(docker("run", "-d", "--name", "user2", "-v", "scratch:/s2", IMAGE, "sleep", "1000"), "run 2");
    check(docker("stop", "-t", "0", "user1"), "stop 1");
    assertThat(hostMounted(mp)).isTrue();
    assertThat(docker("exec", "user2", "cat", "/s2/f").out()).isEqualTo("x\n");
    check(docker("stop", "-t", "0", "user2"), "stop 2");
    assertThat(hostMounted(mp)).as("unmounted when its last user stopped").isFalse();
    assertThat(Path.of(mp).resolve("f")).doesNotExist();
    // a new start gets a fresh, empty tmpfs
    check(docker("start", "user1"), "start again");
    assertThat(docker("exec", "user1", "ls", "/scratch").out()).isBlank();
    docker("rm", "-f", "user1", "user2");
    check(docker("volume", "rm", "scratch"), "rm");
    assertThat(hostMounted(mp)).isFalse();
    assertThat(Path.of(mp)).doesNotExist();
  }

  @Test
  void bindVolumeShowsHostFilesAndRemovingItKeepsThem() throws Exception {
    Path host = Files.createDirectories(tmp.resolve("host"));
    Files.writeString(host.resolve("from-host"), "hi\n");
    check(docker("volume", "create", "-o", "type=none", "-o", "o=bind", "-o", "device=" + host, "hostdata"), "create");
    Exec.Result r = docker("run", "--rm", "-v", "hostdata:/d", IMAGE, "sh", "-c", "cat /d/from-host; echo back > /d/from-box");
    check(r, "run");
    assertThat(r.out()).isEqualTo("hi\n");
    assertThat(Files.readString(host.resolve("from-box"))).isEqualTo("back\n");
    assertThat(hostMounted(mountpoint("hostdata"))).isFalse();
    check(docker("volume", "rm", "hostdata"), "rm");
    assertThat(host.resolve("from-host")).exists();
    assertThat(host.resolve("from-box")).exists();
  }

  @Test
  void badDriverOptionsAreRefusedAtCreate() {
    Exec.Result r = docker("volume", "create", "-o", "type=none", "-o", "o=bind", "-o", "device=" + tmp.resolve("missing"), "bad1");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("no such file or directory");
    r = docker("volume", "create", "-o", "device=tmpfs", "bad2");
    assertThat(r.err()).contains("missing required option: \"type\"");
    r = docker("volume", "create", "-o", "colour=blue", "bad3");
    assertThat(r.err()).contains("invalid option: \"colour\"");
    r = docker("volume", "create", "-o", "type=nosuchfs", "-o", "device=x", "bad4");
    assertThat(r.err()).contains("unknown filesystem type \"nosuchfs\"");
    r = docker("volume", "create", "-d", "rexray", "bad5");
    assertThat(r.err()).contains("plugin \"rexray\" not found");
    r = berth("volume", "create", "-o", "type=tmpfs", "bad6");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("missing required option: \"device\"");
    assertThat(volumeNames()).noneMatch(v -> v.startsWith("bad"));
  }

  @Test
  void aNewVolumeIsFilledFromTheImageUnlessNocopy() {
    Exec.Result r = docker("run", "--rm", "-v", "named:/data", SEEDED, "sh", "-c",
        "cat /data/f; stat -c '%u:%g %a' /data/f /data");
    check(r, "run");
    assertThat(r.out()).isEqualTo("hi\n1234:5678 640\n1234:5678 1750\n");
    // a volume that has content is not filled again
    check(docker("run", "--rm", "-v", "named:/data", SEEDED, "sh", "-c", "echo changed > /data/f"), "write");
    assertThat(docker("run", "--rm", "-v", "named:/data", SEEDED, "cat", "/data/f").out()).isEqualTo("changed\n");
    assertThat(docker("run", "--rm", "-v", "other:/data:nocopy", SEEDED, "ls", "-A", "/data").out()).isBlank();
    assertThat(docker("run", "--rm", "--mount", "type=volume,src=third,dst=/data,volume-nocopy", SEEDED,
        "ls", "-A", "/data").out()).isBlank();
    // a copy-up also fills a volume with driver options
    r = docker("run", "--rm", "--mount", "type=volume,src=tmpseed,dst=/data,volume-opt=type=tmpfs,"
        + "volume-opt=device=tmpfs", SEEDED, "sh", "-c", "cat /data/f; grep ' /data ' /proc/mounts");
    check(r, "run tmpfs seed");
    assertThat(r.out()).startsWith("hi\ntmpfs /data tmpfs");
  }

  @Test
  void anonymousVolumesAreNamedByIdAndGoWithRm() {
    List<String> before = volumeNames();
    // the image's VOLUME gets an anonymous volume, filled from the image, removed with --rm
    assertThat(docker("run", "--rm", SEEDED, "cat", "/data/f").out()).isEqualTo("hi\n");
    assertThat(docker("run", "--rm", "-v", "/fresh", IMAGE, "sh", "-c", "grep -c ' /fresh ' /proc/mounts").out())
        .isEqualTo("1\n");
    assertThat(volumeNames()).isEqualTo(before);
    // without --rm the volume stays; rm -v takes it, a named one is kept
    check(docker("run", "--name", "keeper", "-v", "/anon", "-v", "kept:/kept", IMAGE, "true"), "run");
    String anon = docker("inspect", "-f", "{{range .Mounts}}{{if eq .Destination \"/anon\"}}{{.Name}}{{end}}{{end}}",
        "keeper").out().trim();
    assertThat(anon).matches("[0-9a-f]{64}");
    assertThat(docker("volume", "inspect", "-f", "{{json .Labels}}", anon).out()).contains("com.docker.volume.anonymous");
    // a restart keeps the same anonymous volume
    check(docker("start", "keeper"), "restart");
    assertThat(docker("inspect", "-f", "{{range .Mounts}}{{.Name}} {{end}}", "keeper").out()).contains(anon);
    docker("wait", "keeper");
    check(docker("rm", "-v", "keeper"), "rm -v");
    assertThat(volumeNames()).doesNotContain(anon).contains("kept");
  }

  @Test
  void pruneTakesUnusedAnonymousVolumesUnlessAll() {
    check(docker("volume", "create", "named1"), "create");
    check(docker("volume", "create", "--label", "keep=yes", "labelled"), "create");
    check(docker("run", "--name", "stopped", "-v", "/a", IMAGE, "true"), "run");
    String used = docker("inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", "stopped").out().trim();
    String unnamed = docker("volume", "create").out().trim(); // no name: anonymous, as Docker has it
    check(docker("run", "--rm", "-v", "/c", IMAGE, "true"), "run");
    check(docker("run", "--name", "gone", "-v", "/d", IMAGE, "true"), "run");
    String orphan = docker("inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", "gone").out().trim();
    check(docker("rm", "gone"), "rm without -v leaves the anonymous volume");

    Exec.Result r = docker("volume", "prune", "-f");
    check(r, "prune");
    assertThat(r.out()).contains("Deleted Volumes:\n").contains(orphan + "\n").contains(unnamed + "\n")
        .contains("Total reclaimed space:");
    assertThat(volumeNames()).contains("named1", "labelled", used).doesNotContain(orphan, unnamed);

    r = docker("volume", "prune", "-f", "--all", "--filter", "label!=keep");
    check(r, "prune --all");
    assertThat(volumeNames()).contains("labelled", used).doesNotContain("named1");
    // API 1.41 clients get the old behaviour: every unused volume
    Map<String, String> env = new HashMap<>(TestDaemon.env());
    env.put("DOCKER_API_VERSION", "1.41");
    check(Exec.run(env, null, 60, List.of("/usr/local/bin/docker", "volume", "prune", "-f")), "prune 1.41");
    assertThat(volumeNames()).contains(used).doesNotContain("labelled");
    r = docker("volume", "prune", "-f", "--filter", "until=1h");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("invalid filter 'until'");
  }

  @Test
  void inspectShowsDockersFields() throws Exception {
    check(docker("volume", "create", "--label", "team=red", "-o", "type=tmpfs", "-o", "device=tmpfs", "insp"), "create");
    Exec.Result r = docker("volume", "inspect", "insp");
    check(r, "inspect");
    JsonNode v = JSON.readTree(r.out()).get(0);
    assertThat(v.path("Name").asText()).isEqualTo("insp");
    assertThat(v.path("Driver").asText()).isEqualTo("local");
    assertThat(v.path("Scope").asText()).isEqualTo("local");
    assertThat(v.path("Mountpoint").asText()).isEqualTo(TestDaemon.BASE + "/data/volumes/insp/_data");
    assertThat(v.path("CreatedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)");
    assertThat(v.path("Labels").path("team").asText()).isEqualTo("red");
    assertThat(v.path("Options").path("type").asText()).isEqualTo("tmpfs");
    assertThat(v.has("UsageData") && !v.get("UsageData").isNull()).isFalse();
    assertThat(berth("volume", "inspect", "--format", "{{.Name}} {{.Driver}} {{.Labels.team}}", "insp").out())
        .isEqualTo("insp local red\n");
    r = docker("volume", "inspect", "nosuch");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).containsIgnoringCase("no such volume");
    r = berth("volume", "inspect", "nosuch");
    assertThat(r.exit()).isNotZero();
  }

  @Test
  void createAlreadyCreatesTheNamedVolumes() {
    check(docker("create", "--name", "early", "-v", "atcreate:/a",
        "--mount", "type=volume,src=mounted,dst=/m,volume-opt=type=tmpfs,volume-opt=device=tmpfs", IMAGE, "true"), "create");
    assertThat(docker("volume", "ls", "-q").out().lines().toList()).contains("atcreate", "mounted");
    assertThat(docker("volume", "inspect", "-f", "{{.Options.type}}", "mounted").out().trim()).isEqualTo("tmpfs");
  }

  @Test
  void volumesInUseAreNotRemoved() {
    check(docker("volume", "create", "held"), "create");
    // a created container that never ran holds the volume too
    String id = docker("create", "--name", "holder", "-v", "held:/h", IMAGE, "true").out().trim();
    Exec.Result r = docker("volume", "rm", "held");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("remove held: volume is in use - [" + id + "]");
    r = docker("volume", "rm", "-f", "held");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("volume is in use");
    r = berth("volume", "rm", "held");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("volume is in use - [" + id + "]");
    check(docker("rm", "holder"), "rm container");
    check(docker("volume", "rm", "held"), "rm volume");
    check(docker("volume", "rm", "-f", "held"), "rm -f of a missing volume");
    assertThat(docker("volume", "rm", "held").err()).contains("no such volume");
  }

  @Test
  void listFiltersAndFormats() {
    check(docker("volume", "create", "--label", "team=red", "red"), "create");
    check(docker("volume", "create", "idle"), "create");
    check(docker("run", "-d", "--name", "user", "-v", "red:/r", IMAGE, "sleep", "1000"), "run");
    assertThat(docker("volume", "ls", "-q", "--filter", "label=team=red").out().trim()).isEqualTo("red");
    assertThat(docker("volume", "ls", "-q", "--filter", "dangling=true").out()).contains("idle").doesNotContain("red");
    assertThat(docker("volume", "ls", "-q", "--filter", "name=idl").out().trim()).isEqualTo("idle");
    assertThat(docker("volume", "ls", "-q", "--filter", "driver=local").out()).contains("idle", "red");
    assertThat(docker("volume", "ls", "--filter", "colour=red").err()).contains("invalid filter 'colour'");
    // system df counts the volume's bytes and its users
    check(docker("exec", "user", "dd", "if=/dev/zero", "of=/r/k", "bs=1000", "count=1"), "write 1000 bytes");
    assertThat(docker("system", "df", "-v").out()).containsPattern("(?m)^red\\s+1\\s+1kB$");
    assertThat(berth("volume", "ls", "-q", "--filter", "dangling=false").out().trim()).isEqualTo("red");
    assertThat(berth("volume", "ls").out()).startsWith("DRIVER").contains("VOLUME NAME").contains("local");
    assertThat(berth("volume", "ls", "--format", "{{.Name}}:{{.Labels}}", "--filter", "name=red").out())
        .isEqualTo("red:team=red\n");
    Exec.Result r = berth("volume", "prune", "-f", "-a");
    check(r, "berth prune");
    assertThat(r.out()).contains("idle").doesNotContain("red\n");
  }

  @Test
  void mountFlagOptionsReachTheContainer() throws Exception {
    Exec.Result r = docker("run", "--rm", "--mount", "type=tmpfs,dst=/t,tmpfs-size=4m,tmpfs-mode=1770", IMAGE,
        "grep", " /t ", "/proc/mounts");
    check(r, "tmpfs mount");
    assertThat(r.out()).contains("size=4096k").contains("mode=1770");
    r = docker("run", "--rm", "--mount", "type=volume,src=optvol,dst=/o,volume-opt=type=tmpfs,"
        + "volume-opt=device=tmpfs,volume-opt=o=size=4m,volume-label=made=by-mount", IMAGE, "grep", " /o ", "/proc/mounts");
    check(r, "volume-opt");
    assertThat(r.out()).startsWith("tmpfs /o tmpfs").contains("size=4096k");
    assertThat(docker("volume", "inspect", "-f", "{{.Options.type}} {{.Labels.made}}", "optvol").out().trim())
        .isEqualTo("tmpfs by-mount");
    Path src = Files.createDirectories(tmp.resolve("prop"));
    if (Exec.sh("findmnt -no PROPAGATION -T " + src).out().trim().equals("private")) {
      // as Docker: shared propagation from a private mount could never propagate, so it is refused
      r = docker("run", "--rm", "--mount", "type=bind,src=" + src + ",dst=/p,bind-propagation=rshared", IMAGE, "true");
      assertThat(r.exit()).isNotZero();
      assertThat(r.err()).contains("is not a shared mount");
    }
    check(Exec.sh("mount --bind " + src + " " + src + " && mount --make-shared " + src), "make shared");
    try {
      r = docker("run", "--rm", "--mount", "type=bind,src=" + src + ",dst=/p,bind-propagation=rslave,readonly",
          IMAGE, "sh", "-c", "grep ' /p ' /proc/self/mountinfo; touch /p/x");
      assertThat(r.out()).contains(" ro,").contains("master:");
      assertThat(r.err()).contains("Read-only file system");
      r = docker("run", "--rm", "-v", src + ":/p:rshared", IMAGE, "grep", " /p ", "/proc/self/mountinfo");
      check(r, "rshared");
      assertThat(r.out()).contains("shared:");
    } finally {
      Exec.sh("umount " + src);
    }
    // bad input: the docker CLI's own messages, then the daemon's for what the CLI lets through
    r = docker("run", "--rm", "--mount", "type=volume,dst=/x,colour=blue", IMAGE, "true");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("colour");
    r = docker("run", "--rm", "--mount", "type=bind,src=/no/such/dir,dst=/x", IMAGE, "true");
    assertThat(r.err()).contains("bind source path does not exist: /no/such/dir");
    r = docker("run", "--rm", "--mount", "type=nfs,dst=/x", IMAGE, "true");
    assertThat(r.err()).contains("mount type unknown");
    r = docker("run", "--rm", "-v", "a1:/same", "-v", "b1:/same", IMAGE, "true");
    assertThat(r.err()).contains("Duplicate mount point: /same");
    r = berth("run", "--rm", "--mount", "type=volume,dst=/x,colour=blue", IMAGE, "true");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("unexpected key 'colour'");
    r = berth("run", "--rm", "--mount", "type=volume,src=bvol,dst=/x,volume-opt=type=tmpfs,volume-opt=device=tmpfs",
        IMAGE, "grep", " /x ", "/proc/mounts");
    check(r, "berth --mount volume-opt");
    assertThat(r.out()).startsWith("tmpfs /x tmpfs");
    assertThat(volumeNames()).doesNotContain("a1", "b1");
  }
}
