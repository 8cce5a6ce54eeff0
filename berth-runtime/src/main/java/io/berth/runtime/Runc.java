package io.berth.runtime;

import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one place that runs the runc binary (with this daemon's {@code --root}); a failure
 * carries runc's own message so users see what runc said.
 */
final class Runc {
  record Result(int exit, String out, String err) {}

  private final String binary;
  private final Path root;

  Runc(String binary, Path root) {
    this.binary = binary;
    this.root = root;
  }

  String binary() {
    return binary;
  }

  Path root() {
    return root;
  }

  Result run(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(binary, "--root", root.toString()));
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread t = Thread.ofVirtual().start(() -> {
        try {
          p.getErrorStream().transferTo(err);
        } catch (IOException ignored) {
          // process ended
        }
      });
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new UnavailableException("runc " + String.join(" ", args) + " timed out");
      }
      t.join();
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UnavailableException("cannot run " + binary + ": " + e.getMessage()
          + " (install the runc package)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while running runc");
    }
  }

  /** Runs and throws with runc's message on failure; "does not exist" becomes NotFound. */
  String check(List<String> args) {
    Result r = run(args);
    if (r.exit() != 0) {
      String msg = message(r.err());
      if (msg.contains("does not exist") || msg.contains("not found") && msg.contains("container")) {
        throw new NotFoundException("runc " + args.getFirst() + ": " + msg);
      }
      throw new UnavailableException("runc " + args.getFirst() + " failed: " + msg);
    }
    return r.out();
  }

  /** runc writes JSON or logfmt lines; keep the human part. */
  static String message(String stderr) {
    String s = stderr.trim();
    int i = s.lastIndexOf("msg=");
    if (i >= 0) {
      s = s.substring(i + 4).replaceAll("^\"|\"$", "");
    }
    return s.replace("\\\"", "\"");
  }
}
