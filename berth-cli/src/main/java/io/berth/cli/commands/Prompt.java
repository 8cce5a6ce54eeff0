package io.berth.cli.commands;

import io.berth.cli.session.Cli;
import java.io.IOException;

/** docker's "Are you sure you want to continue? [y/N]" before destructive commands without -f. */
final class Prompt {
  private Prompt() {}

  static boolean confirm(Cli cli, String warning) throws IOException {
    cli.out.print(warning + "\nAre you sure you want to continue? [y/N] ");
    cli.out.flush();
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = cli.in.read()) >= 0 && c != '\n') {
      line.append((char) c);
    }
    String answer = line.toString().trim();
    return answer.equalsIgnoreCase("y");
  }
}
