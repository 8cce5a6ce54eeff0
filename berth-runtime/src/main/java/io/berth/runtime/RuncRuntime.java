package io.berth.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnavailableException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link ContainerRuntime} with runc and one conmon per container. conmon is started with the
 * bundle, double-forks away from the JVM, runs {@code runc create}, holds the container's stdio,
 * writes the k8s-file log and, at exit, the exit code into the exit directory. The daemon only
 * waits for the pid file (created) or conmon's death (failure, with runc's own message from its
 * log), so it never owns container processes.
 */
public final class RuncRuntime implements ContainerRuntime {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);
  private final RuntimeConfig config;
  private final Runc runc;
  private final OciSpecGenerator specs;
  private final ExitWatcher exits;
  private final CgroupReader cgroups;
  private final String version;
  private final java.util.Map<String, Path> bundles = new java.util.concurrent.ConcurrentHashMap<>();
  private final BundleEvents bundleEvents = new BundleEvents();

  private RuncRuntime(RuntimeConfig config, String version) {
    this.config = config;
    this.runc = new Runc(config.runc(), config.runcRoot());
    this.specs = new OciSpecGenerator(MAPPER, config.cgroupParent(), findInit());
    this.exits = new ExitWatcher(config.exitDir());
    this.cgroups = new CgroupReader(config.cgroupParent());
    this.version = version;
  }

  /** Checks runc and conmon are there (UnavailableException naming the package otherwise). */
  public static RuncRuntime create(RuntimeConfig given) {
    RuntimeConfig config = given.resolved();
    String version;
    try {
      Process p = new ProcessBuilder(config.runc(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      version = out.lines().findFirst().orElse("runc").replace("runc version ", "");
      RuncVersion parsed = RuncVersion.parse(out);
      if (parsed.execNofileRace()) {
        org.slf4j.LoggerFactory.getLogger(RuncRuntime.class).warn("runc {} (built with go {}) may start an exec'd"
            + " process with its open-files soft limit raised to the hard one (--ulimit nofile=SOFT:HARD with"
            + " SOFT < HARD; opencontainers/runc#4195): runc 1.1.13 or later does not", parsed.version(),
            parsed.go());
      }
    } catch (IOException e) {
      throw new UnavailableException("runc not found: install the runc package (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted");
    }
    try {
      Process p = new ProcessBuilder(config.conmon(), "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor();
    } catch (IOException e) {
      throw new UnavailableException("conmon not found: install the conmon package (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted");
    }
    try {
      Files.createDirectories(config.runcRoot());
      Files.createDirectories(config.socketDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RuncRuntime(config, version);
  }

  public String version() {
    return version;
  }

  private static String findInit() {
    for (String p : List.of("/usr/bin/tini-static", "/usr/bin/docker-init", "/usr/libexec/podman/catatonit")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return "/usr/bin/tini-static";
  }

  @Override
  public void create(ContainerSpec spec, Path stateDir, Path logPath, long logSizeMax) {
    if (spec.init() && !Files.isExecutable(Path.of(findInit()))) {
      throw new UnavailableException("--init needs tini: install the tini package");
    }
    ObjectNode oci = specs.generate(spec);
    try {
      Files.createDirectories(stateDir);
      PrivateFiles.write(stateDir.resolve("config.json"), MAPPER.writeValueAsBytes(oci));
      for (String f : List.of("pidfile", "runc.log", "conmon.pid")) {
        Files.deleteIfExists(stateDir.resolve(f));
      }
      exits.forget(spec.id());
      Files.createDirectories(logPath.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("writing bundle of " + spec.id(), e);
    }
    List<String> cmd = new ArrayList<>(List.of(config.conmon(), "--api-version", "1",
        "-c", spec.id(), "-u", spec.id(), "-n", spec.name(), "-r", config.runc(),
        "-b", stateDir.toString(), "-p", stateDir.resolve("pidfile").toString(),
        "-l", "k8s-file:" + logPath, "--exit-dir", config.exitDir().toString(),
        "--socket-dir-path", config.socketDir().toString(),
        "--conmon-pidfile", stateDir.resolve("conmon.pid").toString(),
        "--runtime-arg", "--root=" + config.runcRoot(),
        "--runtime-arg", "--log=" + stateDir.resolve("runc.log"),
        "--runtime-arg", "--log-format=json", "--log-level", "error",
        // conmon writes files such as "oom" into its persist dir; keep them in the bundle
        "--persist-dir", stateDir.toString()));
    if (logSizeMax > 0) {
      cmd.addAll(List.of("--log-size-max", Long.toString(logSizeMax)));
    }
    if (spec.tty()) {
      cmd.add("-t");
    }
    if (spec.openStdin()) {
      cmd.add("-i");
      if (!spec.stdinOnce()) {
        cmd.add("--leave-stdin-open"); // an attached client that leaves does not end the input
      }
    }
    try (BundleEvents.Watch changes = bundleEvents.watch(stateDir)) {
      Process p = new ProcessBuilder(cmd).directory(stateDir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.appendTo(stateDir.resolve("conmon.err").toFile())).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new UnavailableException("conmon did not detach for " + spec.id());
      }
      if (p.exitValue() != 0) {
        throw new UnavailableException("conmon failed for " + spec.id() + ": " + readQuietly(stateDir.resolve("conmon.err")));
      }
      awaitCreated(spec.id(), stateDir, changes);
    } catch (IOException e) {
      throw new UnavailableException("cannot start conmon for " + spec.id() + ": " + e.getMessage()
          + (e.getMessage() != null && e.getMessage().contains("No such file") ? " (install the conmon package)" : ""));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while creating " + spec.id());
    }
    bundles.put(spec.id(), stateDir);
  }

  /** Waits for runc's pid file (created) or for conmon to give up (error with runc's message). */
  private void awaitCreated(String id, Path stateDir, BundleEvents.Watch changes) throws InterruptedException {
    long deadline = System.nanoTime() + CREATE_TIMEOUT.toNanos();
    Path pidfile = stateDir.resolve("pidfile");
    while (System.nanoTime() < deadline) {
      if (Files.exists(pidfile) && !readQuietly(pidfile).isBlank()) {
        return;
      }
      String conmonPid = readQuietly(stateDir.resolve("conmon.pid")).trim();
      boolean conmonGone = !conmonPid.isEmpty() && !Files.exists(Path.of("/proc", conmonPid));
      String err = runcError(stateDir);
      if (!err.isEmpty() || conmonGone) {
        if (Files.exists(pidfile) && !readQuietly(pidfile).isBlank()) {
          return;
        }
        if (err.isEmpty()) {
          Thread.sleep(20); // conmon may still be writing runc's message
          err = runcError(stateDir);
        }
        runc.run(List.of("delete", "--force", id));
        String msg = err.isEmpty() ? "runc create failed (see " + stateDir.resolve("conmon.err") + ")" : err;
        if (msg.contains("no such file or directory") || msg.contains("executable file not found")
            || msg.contains("permission denied") || msg.contains("not a directory")) {
          throw new InvalidArgumentException("OCI runtime create failed: " + msg + ": unknown");
        }
        throw new UnavailableException("OCI runtime create failed: " + msg + ": unknown");
      }
      changes.await(10); // woken by the pid file or runc's log; the period only catches a silent conmon
    }
    throw new UnavailableException("timed out waiting for runc create of " + id);
  }

  private static String runcError(Path stateDir) {
    String log = readQuietly(stateDir.resolve("runc.log"));
    String last = "";
    for (String line : log.split("\n")) {
      if (line.contains("\"level\":\"error\"") || line.contains("\"level\":\"fatal\"")) {
        try {
          last = MAPPER.readTree(line).path("msg").asText();
        } catch (IOException e) {
          last = line;
        }
      }
    }
    return last;
  }

  static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public int start(String id) {
    // runc wrote the init pid when it created the container: no second `runc state` needed
    Path bundle = bundles.remove(id);
    String pid = bundle == null ? "" : readQuietly(bundle.resolve("pidfile")).trim();
    int initPid = pid.matches("\\d+") ? Integer.parseInt(pid) : 0;
    if (initPid == 0 || !ExecFifo.start(config.runcRoot().resolve(id), initPid)) {
      runc.check(List.of("start", id));
    }
    return initPid != 0 ? initPid : state(id).pid();
  }

  @Override
  public void kill(String id, String signal) {
    String sig = signal == null || signal.isEmpty() ? "SIGTERM" : signal;
    if (!sig.matches("(SIG)?[A-Z0-9+-]+|\\d+")) {
      throw new InvalidArgumentException("invalid signal: " + signal);
    }
    Runc.Result r = runc.run(List.of("kill", id, sig));
    if (r.exit() != 0) {
      String msg = Runc.message(r.err());
      if (msg.contains("not running") || msg.contains("process already finished")) {
        return;
      }
      if (msg.contains("does not exist")) {
        throw new NotFoundException("container " + id + " is not running");
      }
      throw new InvalidArgumentException("cannot send " + sig + ": " + msg);
    }
  }

  @Override
  public State state(String id) {
    Runc.Result r = runc.run(List.of("state", id));
    if (r.exit() != 0) {
      return new State(Status.STOPPED, 0);
    }
    try {
      JsonNode s = MAPPER.readTree(r.out());
      Status st = switch (s.path("status").asText()) {
        case "created" -> Status.CREATED;
        case "running" -> Status.RUNNING;
        case "paused" -> Status.PAUSED;
        default -> Status.STOPPED;
      };
      return new State(st, s.path("pid").asInt(0));
    } catch (IOException e) {
      return new State(Status.STOPPED, 0);
    }
  }

  @Override
  public Optional<Integer> exitCode(String id, Path stateDir) {
    return exits.read(id);
  }

  @Override
  public Optional<Integer> awaitExit(String id, Path stateDir, Duration timeout) throws InterruptedException {
    try {
      return Optional.of(exits.watch(id).get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public boolean oomKilled(String id) {
    return cgroups.oomKilled(id);
  }

  @Override
  public void delete(String id, Path stateDir, boolean force) {
    Path runcState = config.runcRoot().resolve(id);
    // conmon wrote the exit code: the process is gone, and what runc delete would do is two rmdirs' work
    boolean exited = Files.exists(config.exitDir().resolve(id));
    Runc.Result r = !Files.exists(runcState) || exited && StoppedContainerCleanup.remove(runcState, MAPPER)
        ? new Runc.Result(0, "", "")
        : runc.run(force ? List.of("delete", "--force", id) : List.of("delete", id));
    if (r.exit() != 0 && !Runc.message(r.err()).contains("does not exist")) {
      throw new UnavailableException("runc delete " + id + " failed: " + Runc.message(r.err()));
    }
    exits.forget(id);
    try {
      Files.deleteIfExists(config.socketDir().resolve(id));
      for (String f : List.of("pidfile", "conmon.pid", "attach", "ctl", "winsz", "runc.log", "conmon.err", "oom",
          "exit")) {
        Files.deleteIfExists(stateDir.resolve(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cleaning runtime files of " + id, e);
    }
  }

  @Override
  public void update(String id, Resources resources) {
    List<String> args = new ArrayList<>(List.of("update"));
    args.addAll(resources.updateFlags());
    if (args.size() == 1) {
      return;
    }
    args.add(id);
    runc.check(args);
  }

  @Override
  public void pause(String id) {
    runc.check(List.of("pause", id));
  }

  @Override
  public void resume(String id) {
    runc.check(List.of("resume", id));
  }

  @Override
  public List<List<String>> top(String id, List<String> psArgs) {
    List<String> args = new ArrayList<>(List.of("ps", id));
    if (!psArgs.isEmpty()) {
      args.add("--");
      args.addAll(psArgs);
    }
    String out;
    try {
      out = runc.check(args);
    } catch (BerthException e) {
      throw new InvalidArgumentException("ps failed: " + e.getMessage());
    }
    List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
    List<List<String>> rows = new ArrayList<>();
    if (lines.isEmpty()) {
      return rows;
    }
    List<String> titles = List.of(lines.getFirst().trim().split("\\s+"));
    rows.add(titles);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.trim().split("\\s+", titles.size());
      rows.add(List.of(f));
    }
    return rows;
  }

  @Override
  public Stats stats(String id) {
    return cgroups.stats(id);
  }

  @Override
  public Stats usage(String id) {
    return cgroups.stats(id, false);
  }

  @Override
  public ExecSession exec(String id, ExecSpec spec, Path stateDir) {
    return RuncExec.start(runc, MAPPER, specs, id, spec, stateDir);
  }

  @Override
  public AttachChannel attach(String id, Path stateDir) {
    return new ConmonAttach(config.socketDir().resolve(id).resolve("attach"), stateDir.resolve("ctl"));
  }
}
