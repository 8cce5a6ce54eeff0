package io.berth.cli.commands;

import java.io.File;
import java.io.IOException;

/** Puts the controlling terminal in raw mode (and back) with stty, as the JDK cannot. */
final class Terminal {
  private static String saved;

  private Terminal() {}

  static boolean makeRaw() {
    try {
      saved = stty("-g").trim();
      stty("raw", "-echo");
      return true;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static void restore() {
    if (saved != null) {
      try {
        stty(saved);
      } catch (IOException | InterruptedException ignored) {
        // best effort
      }
    }
  }

  /** Rows and columns of the terminal, or null when there is none. */
  static int[] size() {
    try {
      String[] s = stty("size").trim().split("\\s+");
      return new int[] {Integer.parseInt(s[0]), Integer.parseInt(s[1])};
    } catch (IOException | InterruptedException | RuntimeException e) {
      return null;
    }
  }

  private static String stty(String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "stty";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/tty")).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("stty failed");
    }
    return out;
  }
}
