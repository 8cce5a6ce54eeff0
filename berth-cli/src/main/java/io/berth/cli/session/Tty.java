package io.berth.cli.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether one of our standard file descriptors is a terminal. {@code System.console()} only
 * answers for stdin and stdout together, but docker decides per stream (a progress bar needs
 * stderr to be a terminal, {@code save} refuses only when stdout is one), so we look at what
 * {@code /proc/self/fd/N} points to.
 */
public final class Tty {
  private Tty() {}

  public static boolean isTerminal(int fd) {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
