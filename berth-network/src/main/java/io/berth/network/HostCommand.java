package io.berth.network;

import io.berth.errdefs.UnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one host tool with an optional script on stdin. Only the tool wrappers ({@link IpCommand},
 * {@link Nft}, {@link Conntrack}) call it, so a failure always names the exact command and quotes
 * the tool's own error, and a reader can see in three files everything this module does to the host.
 */
final class HostCommand {
  record Result(int exit, String out, String err) {}

  private HostCommand() {}

  static Result run(List<String> cmd, String stdin) {
    try {
      Process p = new ProcessBuilder(cmd).start();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread t = Thread.ofVirtual().start(() -> {
        try {
          p.getErrorStream().transferTo(err);
        } catch (IOException ignored) {
          // the process ended; what was read is all there is
        }
      });
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new UnavailableException(String.join(" ", cmd) + " timed out after 30s");
      }
      t.join();
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UnavailableException("cannot run " + cmd.getFirst() + ": " + e.getMessage()
          + " (install the " + switch (cmd.getFirst()) {
            case "nft" -> "nftables";
            case "nsenter" -> "util-linux";
            case "conntrack" -> "conntrack";
            default -> "iproute2";
          } + " package)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted running " + String.join(" ", cmd));
    }
  }

  /** Runs the command and fails with its command line, exit code, stderr and script. */
  static String check(List<String> cmd, String stdin) {
    Result r = run(cmd, stdin);
    if (r.exit() != 0) {
      throw new UnavailableException(String.join(" ", cmd) + " failed (exit " + r.exit() + "): "
          + r.err().trim() + (stdin == null ? "" : "\n--- input ---\n" + stdin));
    }
    return r.out();
  }
}
