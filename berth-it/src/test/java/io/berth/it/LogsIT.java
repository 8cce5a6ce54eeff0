package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Container logs as Docker keeps them, through the stock docker CLI: json-file's max-size,
 * max-file and compress (rotation done by conmon and berthd, so it holds while berthd is down),
 * the local and none drivers, refusal of drivers and options Berth does not honour, and
 * daemon.json's defaults.
 */
class LogsIT {
  /** 200 numbered lines every 0.1 s: a 100k log file fills in about a second. */
  private static final String CHATTY =
      "i=1; while true; do seq $i $((i+199)); i=$((i+200)); usleep 100000; done";
  private static final long MAX_SIZE = 100_000;
  private final List<String> names = new ArrayList<>();

  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  @AfterEach
  void remove() {
    names.forEach(n -> docker("rm", "-f", n));
  }

  private String run(String name, String... args) {
    names.add(name);
    List<String> cmd = new ArrayList<>(List.of("run", "-d", "--name", name));
    cmd.addAll(List.of(args));
    Exec.Result r = docker(cmd.toArray(String[]::new));
    check(r, "docker run " + String.join(" ", args));
    return r.out().trim();
  }

  private static Path dir(String id) {
    return TestDaemon.BASE.resolve("data/containers").resolve(id);
  }

  /** The bytes of a container's log files on disk (each file once however many names it has). */
  record Usage(long bytes, int files, boolean settled) {}

  private static Usage usage(Path dir) throws IOException {
    Map<Object, Long> sizes = new HashMap<>();
    Object live = null;
    Object hold = null;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith("container.log")).toList()) {
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          sizes.put(a.fileKey(), a.size());
          if (p.getFileName().toString().equals("container.log")) {
            live = a.fileKey();
          } else if (p.getFileName().toString().equals("container.log.hold")) {
            hold = a.fileKey();
          }
        } catch (java.nio.file.NoSuchFileException e) {
          // renamed while listed
        }
      }
    }
    // settled: no file conmon rotated is waiting to be filed by berthd
    return new Usage(sizes.values().stream().mapToLong(Long::longValue).sum(), sizes.size(),
        hold == null || hold.equals(live));
  }

  private static long lastNumber(String name) {
    String out = docker("logs", "--tail", "1", name).out().trim();
    return out.isEmpty() ? 0 : Long.parseLong(out);
  }

  private static List<Long> numbers(String out) {
    return out.lines().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
  }

  private static void assertConsecutive(List<Long> n, String what) {
    assertThat(n).as(what).isNotEmpty();
    for (int i = 1; i < n.size(); i++) {
      if (n.get(i) != n.get(i - 1) + 1) {
        throw new AssertionError(what + ": line " + n.get(i) + " follows " + n.get(i - 1));
      }
    }
  }

  /** Waits (bounded) for {@code cond}, checking {@code sample} on the way. */
  private static void awaitSampling(BooleanSupplier cond, Runnable sample, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + seconds + "s");
      }
      sample.run();
      Thread.sleep(20);
    }
  }

  private static void checkBound(Path dir, long maxFile) {
    try {
      Usage u = usage(dir);
      // a file conmon just rotated may wait for berthd a moment (or while berthd is down)
      assertThat(u.bytes()).as("log bytes on disk").isLessThanOrEqualTo((maxFile + 1) * MAX_SIZE);
      if (u.settled()) {
        assertThat(u.bytes()).as("log bytes on disk, settled").isLessThanOrEqualTo(maxFile * MAX_SIZE);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aChattyContainerStaysWithinMaxSizeTimesMaxFileAndLogsShowTheNewestLinesInOrder() throws Exception {
    String id = run("logs-chatty", "--log-opt", "max-size=100k", "--log-opt", "max-file=2", IMAGE, "sh", "-c", CHATTY);
    Path follow = TestDaemon.BASE.resolve("logs-follow.txt");
    ProcessBuilder pb = new ProcessBuilder("/usr/local/bin/docker", "logs", "-f", "logs-chatty")
        .redirectOutput(follow.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(TestDaemon.env());
    Process follower = pb.start();
    try {
      // about five files' worth: the first ones were rotated away
      awaitSampling(() -> lastNumber("logs-chatty") > 10_000, () -> checkBound(dir(id), 2), 60);
      check(docker("stop", "-t", "1", "logs-chatty"), "stop");
      assertThat(follower.waitFor(30, TimeUnit.SECONDS)).as("docker logs -f ends with the container").isTrue();
    } finally {
      follower.destroyForcibly();
    }
    checkBound(dir(id), 2);
    assertThat(usage(dir(id)).files()).isEqualTo(2);
    assertThat(dir(id).resolve("container.log.1")).exists();
    List<Long> kept = numbers(docker("logs", "logs-chatty").out());
    assertConsecutive(kept, "docker logs");
    assertThat(kept.getFirst()).as("the oldest lines were rotated away").isGreaterThan(1);
    assertThat(kept.size()).as("the rotated file is read with the live one").isGreaterThan(1_000);
    // -f followed the log across the rotations, none lost or repeated, to the last line
    List<Long> followed = numbers(Files.readString(follow));
    assertConsecutive(followed, "docker logs -f");
    assertThat(followed.getLast()).isEqualTo(kept.getLast());
    assertThat(followed.size()).as("-f read through rotations: more than the files kept").isGreaterThan(kept.size());
    assertThat(numbers(docker("logs", "--tail", "5", "logs-chatty").out())).containsExactlyElementsOf(
        kept.subList(kept.size() - 5, kept.size()));
  }

  @Test
  void rotatedFilesAreGzipCompressedAndStillRead() throws Exception {
    String id = run("logs-gz", "--log-opt", "max-size=50k", "--log-opt", "max-file=3", "--log-opt", "compress=true",
        IMAGE, "sh", "-c", "i=1; while [ $i -le 8000 ]; do seq $i $((i+199)); i=$((i+200)); usleep 50000; done; "
            + "sleep 1000");
    ContainersIT.waitFor(() -> lastNumber("logs-gz") == 8000);
    ContainersIT.waitFor(() -> Files.exists(dir(id).resolve("container.log.2.gz"))
        && !Files.exists(dir(id).resolve("container.log.1")));
    for (String gz : List.of("container.log.1.gz", "container.log.2.gz")) {
      try (InputStream in = Files.newInputStream(dir(id).resolve(gz))) {
        byte[] magic = in.readNBytes(2);
        assertThat(magic).as(gz + " is gzip").containsExactly(0x1f, 0x8b);
      }
    }
    assertThat(dir(id).resolve("container.log.3.gz")).doesNotExist();
    List<Long> kept = numbers(docker("logs", "logs-gz").out());
    assertConsecutive(kept, "docker logs over compressed files");
    assertThat(kept.getLast()).isEqualTo(8000);
    assertThat(kept.getFirst()).isGreaterThan(1);
    // --tail counts back into the compressed files
    List<Long> tail = numbers(docker("logs", "--tail", String.valueOf(kept.size() - 10), "logs-gz").out());
    assertThat(tail).containsExactlyElementsOf(kept.subList(10, kept.size()));
    // --since and --until cut inside the oldest, compressed, file (each 200 lines share a time)
    String t = docker("logs", "-t", "logs-gz").out().lines().toList().get(450).split(" ")[0];
    List<Long> since = numbers(docker("logs", "--since", t, "logs-gz").out());
    assertThat(since).contains(kept.get(450)).doesNotContain(kept.getFirst());
    assertThat(kept.subList(kept.size() - since.size(), kept.size())).containsExactlyElementsOf(since);
    List<Long> until = numbers(docker("logs", "--until", t, "logs-gz").out());
    assertThat(until).contains(kept.get(450)).doesNotContain(kept.getLast());
    assertThat(kept.subList(0, until.size())).containsExactlyElementsOf(until);
    // -t: Docker's fixed nine-digit timestamps
    assertThat(docker("logs", "-t", "--tail", "1", "logs-gz").out())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z 8000\\n");
  }

  @Test
  void labelsEnvAndTagShowWithDetails() {
    run("logs-details", "--label", "team=shop", "-e", "REGION=eu west", "--log-opt", "labels=team",
        "--log-opt", "env=REGION", "--log-opt", "tag={{.Name}}/{{.ImageName}}", IMAGE, "sh", "-c", "echo hi; sleep 1000");
    ContainersIT.waitFor(() -> docker("logs", "logs-details").out().equals("hi\n"));
    assertThat(docker("logs", "--details", "logs-details").out())
        .isEqualTo("REGION=eu+west,tag=logs-details%2Fit%2Fbusybox%3A1,team=shop hi\n");
  }

  @Test
  void theNoneDriverKeepsNoLogButAttachedClientsSeeTheOutput() {
    names.add("logs-none-attached");
    Exec.Result r = docker("run", "--name", "logs-none-attached", "--log-driver", "none", IMAGE,
        "sh", "-c", "echo to-stdout; echo to-stderr >&2");
    check(r, "docker run --log-driver none");
    assertThat(r.out()).isEqualTo("to-stdout\n");
    assertThat(r.err()).contains("to-stderr");
    Exec.Result logs = docker("logs", "logs-none-attached");
    assertThat(logs.exit()).isNotZero();
    assertThat(logs.err()).contains("configured logging driver does not support reading");
    String id = docker("inspect", "--format", "{{.Id}}", "logs-none-attached").out().trim();
    assertThat(docker("inspect", "--format", "{{.HostConfig.LogConfig.Type}}|{{.LogPath}}", id).out().trim())
        .isEqualTo("none|");
    assertThat(dir(id).resolve("container.log")).doesNotExist();
  }

  @Test
  void theLocalDriverRotatesByDefaultIntoFiveCompressedFiles() throws Exception {
    String id = run("logs-local", "--log-driver", "local", "--log-opt", "max-size=20k", IMAGE, "sh", "-c",
        "i=1; while [ $i -le 6000 ]; do seq $i $((i+99)); i=$((i+100)); usleep 40000; done; sleep 1000");
    assertThat(docker("inspect", "--format", "{{.HostConfig.LogConfig.Type}}", id).out().trim()).isEqualTo("local");
    ContainersIT.waitFor(() -> lastNumber("logs-local") == 6000);
    ContainersIT.waitFor(() -> Files.exists(dir(id).resolve("container.log.4.gz"))
        && !Files.exists(dir(id).resolve("container.log.1")));
    try (Stream<Path> s = Files.list(dir(id))) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("container.log.")).sorted())
          .containsExactly("container.log.1.gz", "container.log.2.gz", "container.log.3.gz", "container.log.4.gz",
              "container.log.hold");
    }
    List<Long> kept = numbers(docker("logs", "logs-local").out());
    assertConsecutive(kept, "docker logs of a local driver log");
    assertThat(kept.getLast()).isEqualTo(6000);
    // without max-size, local's 20 MB default is what conmon bounds the live file by
    String big = run("logs-local-default", "--log-driver", "local", IMAGE, "sleep", "1000");
    String conmon = Files.readString(TestDaemon.BASE.resolve("exec/containers").resolve(big).resolve("conmon.pid"))
        .trim();
    assertThat(Files.readString(Path.of("/proc", conmon, "cmdline")).replace('\0', ' '))
        .contains("--log-size-max " + (20 * 1024 * 1024));
  }

  @Test
  void driversAndOptionsBerthDoesNotHonourAreRefusedByName() throws Exception {
    String before = docker("ps", "-aq").out();
    for (String driver : List.of("syslog", "journald", "gelf", "fluentd")) {
      Exec.Result r = docker("create", "--log-driver", driver, IMAGE, "true");
      assertThat(r.exit()).as(driver).isNotZero();
      assertThat(r.err()).contains("no log driver named '" + driver + "'");
    }
    Exec.Result r = docker("create", "--log-opt", "max-sise=1m", IMAGE, "true");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("unknown log opt 'max-sise' for json-file log driver");
    r = docker("create", "--log-opt", "mode=non-blocking", IMAGE, "true");
    assertThat(r.err()).contains("mode=non-blocking is not supported");
    r = docker("create", "--log-driver", "local", "--log-opt", "max-file=1", IMAGE, "true");
    assertThat(r.err()).contains("compression cannot be enabled when max file count is 1");
    assertThat(docker("ps", "-aq").out()).as("nothing half-created").isEqualTo(before);
    // compose's logging: goes through the same check, and the refusal names the service
    Path project = TestDaemon.BASE.resolve("logs-compose");
    Files.createDirectories(project);
    Files.writeString(project.resolve("compose.yaml"), """
        services:
          chatty:
            image: %s
            command: ["sleep", "1000"]
            logging:
              driver: json-file
              options:
                max-size: 10k
                max-files: "3"
        """.formatted(IMAGE));
    Exec.Result up = Exec.run(TestDaemon.env(), null, 120, List.of(Exec.repoRoot().resolve("bin/berth").toString(),
        "compose", "-f", project.resolve("compose.yaml").toString(), "-p", "logsit", "up", "-d"));
    Exec.run(TestDaemon.env(), null, 120, List.of(Exec.repoRoot().resolve("bin/berth").toString(),
        "compose", "-f", project.resolve("compose.yaml").toString(), "-p", "logsit", "down"));
    assertThat(up.exit()).isNotZero();
    assertThat(up.err()).contains("service \"chatty\"").contains("unknown log opt 'max-files' for json-file log driver");
  }

  @Test
  void theBoundHoldsWhileBerthdIsKilledAndRotationResumesAfter() throws Exception {
    String id = run("logs-crash", "--log-opt", "max-size=100k", "--log-opt", "max-file=2", IMAGE, "sh", "-c", CHATTY);
    ContainersIT.waitFor(() -> Files.exists(dir(id).resolve("container.log.1")));
    TestDaemon.kill9();
    Object live = null;
    int replaced = 0;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      // conmon replaces the live file at max-size on its own: watch it do so a few times
      while (replaced < 4 && System.nanoTime() < deadline) {
        Usage u = usage(dir(id));
        assertThat(u.bytes()).as("log bytes on disk while berthd is down")
            .isLessThanOrEqualTo(3 * MAX_SIZE);
        Object now = Files.readAttributes(dir(id).resolve("container.log"), BasicFileAttributes.class).fileKey();
        if (live != null && !live.equals(now)) {
          replaced++;
        }
        live = now;
        Thread.sleep(20);
      }
    } finally {
      TestDaemon.start();
    }
    assertThat(replaced).as("conmon rotated while berthd was down").isEqualTo(4);
    // berthd files what conmon rotated meanwhile, and keeps rotating
    ContainersIT.waitFor(() -> {
      try {
        return usage(dir(id)).settled();
      } catch (IOException e) {
        return false;
      }
    });
    long before = lastNumber("logs-crash");
    awaitSampling(() -> lastNumber("logs-crash") > before + 5_000, () -> checkBound(dir(id), 2), 60);
    List<Long> kept = numbers(docker("logs", "logs-crash").out());
    assertThat(kept).isSorted();
    assertThat(kept.getLast()).isGreaterThan(before + 5_000);
  }

  @Test
  void daemonJsonSetsTheDefaultDriverAndOptions() throws Exception {
    SecondDaemon d = new SecondDaemon();
    try {
      Files.writeString(d.config, "{\"log-driver\": \"syslog\"}");
      Exec.Result bad = Exec.run(Map.of(), null, 60, d.command());
      assertThat(bad.exit()).isNotZero();
      assertThat(bad.err()).contains("no log driver named 'syslog'");
      Files.writeString(d.config, "{\"log-opts\": {\"max-size\": \"ten\"}}");
      bad = Exec.run(Map.of(), null, 60, d.command());
      assertThat(bad.err()).contains("invalid max-size 'ten'");

      Files.writeString(d.config, "{\"log-driver\": \"local\", \"log-opts\": {\"max-size\": \"20k\", \"max-file\": \"3\"}}");
      d.start();
      assertThat(d.docker("info", "--format", "{{.LoggingDriver}}").out().trim()).isEqualTo("local");
      check(d.docker("import", "-c", "CMD [\"/bin/sh\"]", TestDaemon.BASE.resolve("busybox-rootfs.tar").toString(),
          IMAGE), "import");
      Exec.Result r = d.docker("run", "-d", "--network", "none", IMAGE, "sh", "-c",
          "i=1; while [ $i -le 3000 ]; do seq $i $((i+99)); i=$((i+100)); usleep 40000; done; sleep 1000");
      check(r, "run on the second daemon");
      String id = r.out().trim();
      assertThat(d.docker("inspect", "--format", "{{.HostConfig.LogConfig.Type}} {{.HostConfig.LogConfig.Config}}",
          id).out().trim()).isEqualTo("local map[max-file:3 max-size:20k]");
      Path logs = d.dir.resolve("data/containers").resolve(id);
      ContainersIT.waitFor(() -> d.docker("logs", "--tail", "1", id).out().trim().equals("3000"));
      ContainersIT.waitFor(() -> Files.exists(logs.resolve("container.log.2.gz"))
          && !Files.exists(logs.resolve("container.log.1")));
      assertThat(logs.resolve("container.log.3.gz")).doesNotExist();
      // the defaults' options are for the default driver only
      r = d.docker("create", "--log-driver", "json-file", IMAGE, "true");
      check(r, "create");
      assertThat(d.docker("inspect", "--format", "{{.HostConfig.LogConfig.Config}}", r.out().trim()).out().trim())
          .isEqualTo("map[]");
      d.docker("rm", "-f", id);
    } finally {
      d.stop();
    }
  }

  /** A berthd of its own (roots, socket, bridge, nft table), to start with a daemon.json. */
  private static final class SecondDaemon {
    final Path dir = Path.of(TestDaemon.BASE + "-logs");
    final Path config = dir.resolve("daemon.json");
    final String suffix = TestDaemon.SLOT.isEmpty() ? "" : TestDaemon.SLOT.substring(2);
    final String bridge = "bitlog" + suffix;
    final String table = "berth_itlog" + suffix;
    Process process;

    SecondDaemon() throws IOException {
      Exec.sh("rm -rf " + dir);
      Files.createDirectories(dir);
    }

    List<String> command() {
      int net = 140 + (suffix.isEmpty() ? 0 : Integer.parseInt(suffix));
      return List.of(Exec.repoRoot().resolve("bin/berthd").toString(), "-H", "unix://" + dir.resolve("b.sock"),
          "--data-root", dir + "/data", "--exec-root", dir + "/exec", "--config-file", config.toString(),
          "--bridge", bridge, "--bip", "10.89." + net + ".1/24", "--nft-table", table,
          "--cgroup-parent", "berth-itlog" + suffix);
    }

    void start() throws Exception {
      process = new ProcessBuilder(command()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("berthd.log").toFile()).start();
      for (int i = 0; i < 300 && docker("version").exit() != 0; i++) {
        assertThat(process.isAlive()).as("second berthd runs: " + TestDaemon.tail(dir.resolve("berthd.log")))
            .isTrue();
        Thread.sleep(100);
      }
    }

    Exec.Result docker(String... args) {
      Map<String, String> env = new HashMap<>(TestDaemon.env());
      env.put("DOCKER_HOST", "unix://" + dir.resolve("b.sock"));
      return Exec.run(env, null, 120, Exec.list("/usr/local/bin/docker", args));
    }

    void stop() throws Exception {
      if (process != null) {
        docker("ps", "-aq").out().lines().filter(l -> !l.isBlank()).forEach(c -> docker("rm", "-f", c));
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
      }
      Exec.sh("ip link del " + bridge + " 2>/dev/null; nft delete table ip " + table + " 2>/dev/null; rm -rf " + dir
          + "; true");
    }
  }
}
