package io.berth.cli.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host tool ({@code ip}, {@code nsenter}, ...) to its end, within a bounded time. */
final class HostCommand {
  private static final int TIMEOUT_SECONDS = 30;

  record Result(int exit, String out, String err) {}

  private HostCommand() {}

  /** Runs {@code cmd}; a failure is the caller's to judge. */
  static Result run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).start();
      p.getOutputStream().close();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread t1 = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
      Thread t2 = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new LabException(String.join(" ", cmd) + " did not end within " + TIMEOUT_SECONDS + "s");
      }
      t1.join(5_000);
      t2.join(5_000);
      return new Result(p.exitValue(), out.toString().trim(), err.toString().trim());
    } catch (IOException e) {
      throw new LabException("cannot run " + cmd[0] + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted while running " + String.join(" ", cmd));
    }
  }

  /** Runs {@code cmd} and fails, naming it and its error output, unless it succeeds. */
  static String must(String... cmd) {
    Result r = run(cmd);
    if (r.exit() != 0) {
      throw new LabException(String.join(" ", cmd) + " failed (exit " + r.exit() + "): " + r.err());
    }
    return r.out();
  }

  static List<String> lines(String s) {
    return s.isBlank() ? List.of() : List.of(s.split("\n"));
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException e) {
      // the tool closed its output: what came is what there is
    }
  }
}
