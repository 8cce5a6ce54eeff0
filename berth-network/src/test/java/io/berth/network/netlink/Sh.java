package io.berth.network.netlink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host tool for a test (ip, bridge, findmnt): the independent witness of what netlink did. */
final class Sh {
  record Result(int exit, String out) {}

  private Sh() {}

  static Result run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " timed out");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static String check(String... cmd) {
    Result r = run(cmd);
    if (r.exit() != 0) {
      throw new AssertionError(List.of(cmd) + " failed: " + r.out());
    }
    return r.out();
  }
}
