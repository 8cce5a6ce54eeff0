package io.berth.cli.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The lab's long-lived processes (berthds, the registry): started in their own session so they
 * outlive the CLI, and recognised later by pid and a path on their command line, so a pid the
 * kernel gave to another process since is never signalled.
 */
final class LabProcess {
  private LabProcess() {}

  /**
   * Starts {@code cmd} detached (new session, stdin from /dev/null, output appended to {@code
   * log}); setsid, nsenter and the bin/ scripts exec, so the process is the tool's JVM itself.
   */
  static Process spawn(List<String> cmd, Path log) {
    List<String> all = new java.util.ArrayList<>(List.of("setsid"));
    all.addAll(cmd);
    try {
      Process p = new ProcessBuilder(all)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      return p;
    } catch (IOException e) {
      throw new LabException("cannot start " + cmd.getFirst() + ": " + e.getMessage());
    }
  }

  /** Whether {@code pid} runs and its command line names {@code marker}. */
  static boolean alive(long pid, String marker) {
    if (pid <= 0) {
      return false;
    }
    try {
      byte[] cmdline = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
      String status = Files.readString(Path.of("/proc/" + pid + "/status"));
      return !status.contains("State:\tZ") && new String(cmdline).replace('\0', ' ').contains(marker);
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends SIGKILL to {@code pid} if it is still the process named by {@code marker}, and waits for it to go. */
  static void kill(long pid, String marker) {
    if (!alive(pid, marker)) {
      return;
    }
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    if (!Waits.until(Duration.ofSeconds(10), () -> !alive(pid, marker))) {
      throw new LabException("process " + pid + " (" + marker + ") did not end within 10s of SIGKILL");
    }
  }

  /** Every process whose command line contains {@code text}. */
  static List<Long> naming(String text) {
    return ProcessHandle.allProcesses().filter(p -> {
      try {
        return new String(Files.readAllBytes(Path.of("/proc/" + p.pid() + "/cmdline"))).replace('\0', ' ').contains(text);
      } catch (IOException e) {
        return false; // ended meanwhile
      }
    }).map(ProcessHandle::pid).toList();
  }

  /** The pid in {@code file}, or 0 when there is none. */
  static long pidIn(Path file) {
    try {
      String s = Files.readString(file).trim();
      return s.matches("\\d+") ? Long.parseLong(s) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }
}
