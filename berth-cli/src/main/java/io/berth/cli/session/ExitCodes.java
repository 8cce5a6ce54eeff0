package io.berth.cli.session;

/** The exit codes docker gives a failed {@code run}, {@code create} or {@code start -a}. */
public final class ExitCodes {
  private ExitCodes() {}

  /** As docker: 127 when the command was not found, 126 when it could not be invoked, else 125. */
  public static int forRunFailure(String msg) {
    if (msg.contains("executable file not found") || msg.contains("no such file or directory")) {
      return 127;
    }
    if (msg.contains("permission denied")) {
      return 126;
    }
    return 125;
  }
}
