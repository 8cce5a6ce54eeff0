package io.berth.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a host command (docker CLI, berth CLI, curl) and captures its output and exit code. */
final class Exec {
  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private static final java.time.Duration PIPE_DRAIN = java.time.Duration.ofSeconds(10);

  private Exec() {}

  static Result run(Map<String, String> env, byte[] stdin, int timeoutSeconds, List<String> cmd) {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread t1 = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
      Thread t2 = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      } catch (IOException ignored) {
        // process closed its stdin
      }
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        String dump = TestDaemon.dumpThreads(); // a hang's cause is in the daemon's stacks, if anywhere
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("timed out after " + timeoutSeconds + "s: " + String.join(" ", cmd)
            + "\nstdout: " + out + "\nstderr: " + err + (dump == null ? "" : "\nberthd's threads: " + dump)
            + "\nberthd's log ends with:\n" + TestDaemon.tail(TestDaemon.BASE.resolve("berthd.log")));
      }
      // a grandchild left running can hold the pipes open after the command exits: read what
      // came, but never wait for it without bound
      t1.join(PIPE_DRAIN);
      t2.join(PIPE_DRAIN);
      return new Result(p.exitValue(), out.toString(), err.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Result sh(String command) {
    return run(Map.of(), null, 120, List.of("/bin/sh", "-c", command));
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException ignored) {
      // stream closed
    }
  }

  static List<String> list(String first, String... rest) {
    List<String> l = new ArrayList<>();
    l.add(first);
    l.addAll(List.of(rest));
    return l;
  }

  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !p.resolve("scripts/mkimage-busybox.sh").toFile().exists()) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("repository root not found from " + Path.of("").toAbsolutePath());
    }
    return p;
  }
}
