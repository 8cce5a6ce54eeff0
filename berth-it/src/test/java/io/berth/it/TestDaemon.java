package io.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One berthd for the whole end-to-end suite, isolated from any daemon the machine already runs:
 * its own data and exec roots, socket, bridge ({@code bit0}, 10.89.0.0/24), nft table and cgroup
 * parent. Started once (lazily) and stopped by a JVM shutdown hook; tests that restart it (live
 * restore) use {@link #kill9} and {@link #start}.
 *
 * <p>{@code BERTH_IT_SLOT=N} (1-9) moves all of these aside ({@code /tmp/berth-it-sN}, {@code
 * bitsN}, 10.89.(20+N).0/24, {@code berth_it_sN}), so two checkouts can run their own test
 * classes at the same time on one machine.
 */
final class TestDaemon {
  /** "" for the default slot, "-sN" for slot N. */
  static final String SLOT = slot();
  static final Path BASE = Path.of("/tmp/berth-it" + SLOT);
  static final String BRIDGE = SLOT.isEmpty() ? "bit0" : "bit" + SLOT.substring(1);
  static final String SUBNET_PREFIX = SLOT.isEmpty() ? "10.89.0." : "10.89." + (20 + Integer.parseInt(SLOT.substring(2))) + ".";
  static final String NFT_TABLE = "berth_it" + SLOT.replace('-', '_');
  static final Path SOCKET = BASE.resolve("berth.sock");
  static final String HOST = "unix://" + SOCKET;
  static final String IMAGE = "it/busybox:1";
  private static Process process;
  private static boolean imageReady;

  private TestDaemon() {}

  static synchronized void ensure() {
    if (process != null && process.isAlive()) {
      return;
    }
    if (process == null) {
      Runtime.getRuntime().addShutdownHook(new Thread(TestDaemon::shutdown));
      // every run starts from an empty store, so no test depends on what an earlier run left
      Exec.sh("rm -rf " + BASE + "/data " + BASE + "/exec");
    }
    start();
    if (!imageReady) {
      Path tar = BASE.resolve("busybox-rootfs.tar");
      Exec.Result r = Exec.run(Map.of(), null, 120,
          List.of(Exec.repoRoot().resolve("scripts/mkimage-busybox.sh").toString(), tar.toString()));
      check(r, "mkimage");
      r = docker("import", "-c", "CMD [\"/bin/sh\"]", tar.toString(), IMAGE);
      check(r, "docker import");
      imageReady = true;
    }
  }

  static synchronized void start() {
    try {
      Files.createDirectories(BASE);
      Path log = BASE.resolve("berthd.log");
      List<String> cmd = new ArrayList<>(List.of(
          Exec.repoRoot().resolve("bin/berthd").toString(),
          "-H", HOST,
          "--data-root", BASE.resolve("data").toString(),
          "--exec-root", BASE.resolve("exec").toString(),
          "--config-file", BASE.resolve("none.json").toString(),
          "--bridge", BRIDGE, "--bip", SUBNET_PREFIX + "1/24",
          "--nft-table", NFT_TABLE, "--cgroup-parent", "berth-it" + SLOT));
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      process = pb.start();
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("berthd exited with " + process.exitValue() + ":\n"
              + tail(log));
        }
        if (reachable()) {
          return;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("berthd did not answer within 60s:\n" + tail(log));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Kills the daemon as a crash would (containers must survive). */
  static synchronized void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /**
   * Writes the test daemon's thread stacks (virtual threads included) to a file under
   * /tmp/berth-it and returns its path, or null when there is no daemon of ours.
   */
  static String dumpThreads() {
    if (process == null || !process.isAlive()) {
      return null;
    }
    String file = BASE + "/threads-" + System.currentTimeMillis() + ".txt";
    // not through Exec.run: its timeout calls this method, and a jcmd that hangs must not recurse
    try {
      Process jcmd = new ProcessBuilder(System.getProperty("java.home") + "/bin/jcmd",
          Long.toString(process.pid()), "Thread.dump_to_file", "-format=text", file)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!jcmd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        jcmd.destroyForcibly();
        return "jcmd did not answer within 30s";
      }
      return jcmd.exitValue() == 0 ? file : "jcmd failed with exit code " + jcmd.exitValue();
    } catch (IOException e) {
      return "jcmd could not run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while dumping threads";
    }
  }

  private static String slot() {
    String s = System.getenv("BERTH_IT_SLOT");
    if (s == null || s.isBlank()) {
      return "";
    }
    if (!s.matches("[1-9]")) {
      throw new IllegalStateException("BERTH_IT_SLOT must be 1-9, not " + s);
    }
    return "-s" + s;
  }

  static long pid() {
    return process.pid();
  }

  private static boolean reachable() {
    if (!Files.exists(SOCKET)) {
      return false;
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(SOCKET));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void shutdown() {
    Exec.Result ids = docker("ps", "-aq");
    for (String id : ids.out().split("\\s+")) {
      if (!id.isBlank()) {
        docker("rm", "-f", id);
      }
    }
    if (process != null) {
      process.destroy();
    }
  }

  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("DOCKER_HOST", HOST);
    env.put("BERTH_HOST", HOST);
    env.put("DOCKER_CONFIG", BASE.resolve("docker-config").toString());
    return env;
  }

  static Exec.Result docker(String... args) {
    return dockerIn(null, args);
  }

  static Exec.Result dockerIn(byte[] stdin, String... args) {
    return Exec.run(env(), stdin, 120, Exec.list("/usr/local/bin/docker", args));
  }

  static Exec.Result berth(String... args) {
    return Exec.run(env(), null, 120, Exec.list(Exec.repoRoot().resolve("bin/berth").toString(), args));
  }

  static void check(Exec.Result r, String what) {
    if (r.exit() != 0) {
      throw new AssertionError(what + " failed (" + r.exit() + "):\n" + r.all());
    }
  }
}
