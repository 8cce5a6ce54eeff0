package io.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A full data root, with the real docker CLI: a second berthd whose data root is a 64 MiB tmpfs
 * this test mounts (its own socket, bridge, nft table and cgroup parent), filled with a file. A
 * create, tag, load, pull, build or commit then fails saying "no space left on device" and leaves
 * nothing half-made (also across a restart); a container that exits while the disk is full is
 * still answered (docker run gets its exit code, --rm removes it); once the file is gone,
 * everything works again.
 */
class DiskFullIT {
  private static final String SLOT = TestDaemon.SLOT.isEmpty() ? "0" : TestDaemon.SLOT.substring(2);
  private static final Path DIR = Path.of("/tmp/berth-it-diskfull" + TestDaemon.SLOT);
  private static final Path MNT = DIR.resolve("root");
  private static final Path DATA = MNT.resolve("data");
  private static final Path FILLER = MNT.resolve("filler");
  private static final String HOST = "unix://" + DIR + "/s.sock";
  private static final String BRIDGE = "bitdf" + SLOT;
  private static final String NFT = "berth_itdf" + SLOT;
  private static final String REG = "127.0.0.1:" + (25820 + Integer.parseInt(SLOT));
  private static final String IMAGE = "it/busybox:1";
  private static Process daemon;
  private static Process registry;

  @BeforeAll
  static void start() throws Exception {
    Exec.sh("umount " + MNT + " 2>/dev/null; rm -rf " + DIR);
    Files.createDirectories(MNT);
    check(Exec.sh("mount -t tmpfs -o size=64m berth-diskfull " + MNT), "mount tmpfs");
    startDaemon();
    Path rootfs = DIR.resolve("busybox-rootfs.tar");
    check(Exec.run(Map.of(), null, 120, List.of(Exec.repoRoot().resolve("scripts/mkimage-busybox.sh").toString(),
        rootfs.toString())), "mkimage");
    check(docker("import", "-c", "CMD [\"/bin/sh\"]", rootfs.toString(), IMAGE), "import");
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.destroy();
      registry.waitFor(20, TimeUnit.SECONDS);
    }
    for (String id : docker("ps", "-aq").out().split("\\s+")) {
      if (!id.isBlank()) {
        docker("rm", "-f", id);
      }
    }
    stopDaemon();
    Exec.sh("umount " + MNT + "; rm -rf " + DIR + "; nft delete table ip " + NFT + "; ip link del " + BRIDGE);
  }

  @AfterEach
  void free() throws IOException {
    Files.deleteIfExists(FILLER);
  }

  private static void startDaemon() throws Exception {
    List<String> cmd = List.of(Exec.repoRoot().resolve("bin/berthd").toString(), "-H", HOST,
        "--data-root", DATA.toString(), "--exec-root", DIR + "/exec", "--config-file", DIR + "/none.json",
        "--bridge", BRIDGE, "--bip", "10.89." + (60 + Integer.parseInt(SLOT)) + ".1/24", "--nft-table", NFT,
        "--cgroup-parent", "berth-itdf" + SLOT);
    daemon = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(DIR.resolve("berthd.log").toFile())).start();
    for (int i = 0; i < 300 && docker("version").exit() != 0; i++) {
      assertThat(daemon.isAlive()).as(TestDaemon.tail(DIR.resolve("berthd.log"))).isTrue();
      Thread.sleep(100);
    }
    check(docker("version"), "berthd on the small data root");
  }

  private static void stopDaemon() throws InterruptedException {
    daemon.destroy();
    daemon.waitFor(30, TimeUnit.SECONDS);
  }

  private static Exec.Result docker(String... args) {
    return Exec.run(Map.of("DOCKER_HOST", HOST, "DOCKER_CONFIG", DIR + "/docker-config"), null, 120,
        Exec.list("/usr/local/bin/docker", args));
  }

  private static void check(Exec.Result r, String what) {
    assertThat(r.exit()).as(what + ":\n" + r.all()).isZero();
  }

  /** Fills the data root's file system to the last block with a file of its own. */
  private static void fill() {
    Exec.sh("dd if=/dev/zero of=" + FILLER + " bs=1M 2>/dev/null; dd if=/dev/zero of=" + FILLER
        + " bs=4k oflag=append conv=notrunc 2>/dev/null");
    assertThat(Exec.sh("df --output=avail " + MNT + " | tail -1").out().trim()).isEqualTo("0");
  }

  private static void assertFullDiskError(Exec.Result r) {
    assertThat(r.exit()).as(r.all()).isNotZero();
    assertThat(r.err()).contains("no space left on device");
  }

  /** Nothing half-stored: no blob being ingested, no layer being unpacked. */
  private static void assertNoLeftovers() throws IOException {
    try (Stream<Path> s = Files.list(DATA.resolve("content/ingest"))) {
      assertThat(s.toList()).isEmpty();
    }
    try (Stream<Path> s = Files.list(DATA.resolve("overlay/layers"))) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }
  }

  private static List<String> names() {
    return List.of(docker("ps", "-a", "--format", "{{.Names}}").out().split("\\s+"));
  }

  private static List<String> tags() {
    return List.of(docker("images", "--format", "{{.Repository}}:{{.Tag}}").out().split("\\s+"));
  }

  @Test
  void createAndTagOnAFullDiskSayWhyAndLeaveNothingAlsoAfterARestart() throws Exception {
    fill();
    assertFullDiskError(docker("create", "--name", "half", IMAGE, "true"));
    assertThat(names()).doesNotContain("half");
    assertFullDiskError(docker("tag", IMAGE, "it/half:1"));
    assertThat(tags()).doesNotContain("it/half:1");
    stopDaemon();
    startDaemon(); // still full: what the daemon shows after a restart is what it showed before
    assertThat(names()).doesNotContain("half");
    assertThat(tags()).doesNotContain("it/half:1").contains(IMAGE);
    free();
    check(docker("create", "--name", "half", IMAGE, "true"), "create once there is room");
    check(docker("tag", IMAGE, "it/half:1"), "tag once there is room");
    assertThat(names()).contains("half");
    assertThat(tags()).contains("it/half:1");
    check(docker("rm", "half"), "rm");
    check(docker("rmi", "it/half:1"), "rmi");
  }

  @Test
  void aContainerThatFillsTheDiskAndExitsIsAnswered() {
    // docker run waits for the exit; the exit state cannot be written, the client gets its code
    Exec.Result run = docker("run", "--name", "filler", IMAGE, "sh", "-c", "dd if=/dev/zero of=/big bs=1M; exit 3");
    assertThat(run.exit()).as(run.all()).isEqualTo(3);
    assertThat(docker("ps", "-a", "--filter", "name=filler", "--format", "{{.Status}}").out()).startsWith("Exited (3)");
    check(docker("rm", "filler"), "rm frees the space");
    Exec.Result rm = docker("run", "--rm", "--name", "rmfiller", IMAGE, "sh", "-c", "dd if=/dev/zero of=/big bs=1M; exit 4");
    assertThat(rm.exit()).as(rm.all()).isEqualTo(4);
    assertThat(names()).as("--rm removed it").doesNotContain("rmfiller");
    check(docker("run", "--rm", IMAGE, "echo", "ok"), "run once there is room");
  }

  @Test
  void anExitWhileTheDiskIsFullIsAnsweredAndWrittenOnceThereIsRoom() throws Exception {
    Path trigger = DIR.resolve("trigger");
    Files.createDirectories(trigger);
    Files.deleteIfExists(trigger.resolve("go"));
    String loop = "until [ -e /t/go ]; do sleep 0.1; done; exit 5";
    CompletableFuture<Exec.Result> run = CompletableFuture.supplyAsync(() -> docker("run", "--name", "late",
        "-v", trigger + ":/t", IMAGE, "sh", "-c", loop), task -> Thread.ofVirtual().start(task));
    CompletableFuture<Exec.Result> rm = CompletableFuture.supplyAsync(() -> docker("run", "--rm", "--name", "gone",
        "-v", trigger + ":/t", IMAGE, "sh", "-c", loop), task -> Thread.ofVirtual().start(task));
    for (int i = 0; i < 300 && !List.of(docker("ps", "--format", "{{.Names}}").out().split("\\s+"))
        .containsAll(List.of("late", "gone")); i++) {
      Thread.sleep(100);
    }
    String id = docker("inspect", "--format", "{{.Id}}", "late").out().trim();
    fill();
    CompletableFuture<Exec.Result> wait = CompletableFuture.supplyAsync(() -> docker("wait", "late"),
        task -> Thread.ofVirtual().start(task));
    Files.writeString(trigger.resolve("go"), "");
    assertThat(run.get(120, TimeUnit.SECONDS).exit()).isEqualTo(5);
    assertThat(rm.get(120, TimeUnit.SECONDS).exit()).isEqualTo(5);
    Exec.Result waited = wait.get(120, TimeUnit.SECONDS);
    assertThat(waited.out().trim()).as(waited.all()).isEqualTo("5");
    assertThat(names()).contains("late").doesNotContain("gone");
    free();
    // the exit state, kept in memory, is written once there is room, and a restart shows it
    Path record = DATA.resolve("metadata/containers").resolve(id);
    for (int i = 0; i < 600 && !Files.readString(record).contains("\"exited\""); i++) {
      Thread.sleep(100);
    }
    stopDaemon();
    startDaemon();
    assertThat(docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "late").out().trim())
        .isEqualTo("exited 5");
    check(docker("rm", "late"), "rm");
  }

  @Test
  void loadPullBuildAndCommitOnAFullDiskSayWhyAndStoreNothing() throws Exception {
    // an image this daemon does not have, as an archive and in a registry
    Path other = DIR.resolve("other-rootfs.tar");
    check(Exec.sh("mkdir -p " + DIR + "/other/data && head -c 3000000 /dev/urandom > " + DIR + "/other/data/blob && tar -C "
        + DIR + "/other -cf " + other + " ."), "other rootfs");
    check(docker("import", other.toString(), "it/other:1"), "import other");
    Path saved = DIR.resolve("other.tar");
    check(docker("save", "-o", saved.toString(), "it/other:1"), "save");
    startRegistry();
    check(Exec.run(Map.of(), null, 120, List.of("skopeo", "copy", "--dest-tls-verify=false",
        "docker-archive:" + saved, "docker://" + REG + "/it/other:1")), "skopeo push");
    check(docker("rmi", "it/other:1"), "rmi other");
    check(docker("create", "--name", "changed", IMAGE, "true"), "create a container to commit");
    Path context = DIR.resolve("context");
    Files.createDirectories(context);
    Files.writeString(context.resolve("Dockerfile"), "FROM " + IMAGE + "\nRUN echo built > /built\n");
    int images = tags().size();

    fill();
    assertFullDiskError(docker("load", "-i", saved.toString()));
    Exec.Result pull = docker("pull", REG + "/it/other:1");
    assertThat(pull.exit()).as(pull.all()).isNotZero();
    assertThat(pull.all()).contains("no space left on device");
    assertFullDiskError(docker("build", "-t", "it/built:1", context.toString()));
    assertFullDiskError(docker("commit", "changed", "it/committed:1"));
    assertThat(tags()).hasSize(images).doesNotContain("it/other:1", REG + "/it/other:1", "it/built:1", "it/committed:1");
    assertNoLeftovers();

    free();
    check(docker("load", "-i", saved.toString()), "load once there is room");
    check(docker("pull", REG + "/it/other:1"), "pull once there is room");
    check(docker("build", "-t", "it/built:1", context.toString()), "build once there is room");
    check(docker("commit", "changed", "it/committed:1"), "commit once there is room");
    assertThat(docker("run", "--rm", "it/built:1", "cat", "/built").out()).isEqualTo("built\n");
    check(docker("rm", "changed"), "rm");
    check(docker("rmi", "it/other:1", REG + "/it/other:1", "it/built:1", "it/committed:1"), "rmi");
    assertNoLeftovers();
  }

  private static void startRegistry() throws Exception {
    Path dir = DIR.resolve("registry");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.yml"), "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: "
        + dir + "/data\nhttp:\n  addr: " + REG + "\n");
    List<String> cmd = new ArrayList<>(List.of("docker-registry", "serve", dir + "/config.yml"));
    registry = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    for (int i = 0; i < 100 && Exec.sh("curl -sf http://" + REG + "/v2/").exit() != 0; i++) {
      Thread.sleep(100);
    }
    check(Exec.sh("curl -sf http://" + REG + "/v2/"), "registry start");
  }
}
