package io.berth.cli.lab;

import io.berth.cli.session.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/** What every lab command takes: the lab's name and the directory labs live in; and the root check. */
abstract class LabOptions implements Callable<Integer> {
  @Option(names = "--name", defaultValue = "lab", paramLabel = "LAB", description = "The lab (default: ${DEFAULT-VALUE})")
  String name;

  @Option(names = "--root", paramLabel = "DIR", description = "Where labs keep their state, roots and sockets (default: /var/lib/berth-lab)")
  Path root;

  final Cli cli;

  LabOptions(Cli cli) {
    this.cli = cli;
  }

  LabPaths paths() {
    if (!name.matches("[a-z0-9][a-z0-9-]{0,19}")) {
      throw new LabException("invalid lab name \"" + name + "\": 1 to 20 of a-z, 0-9 and '-', starting with a letter or digit");
    }
    return new LabPaths(root == null ? LabPaths.DEFAULT_ROOT : root.toAbsolutePath(), name);
  }

  /** Labs make namespaces, bridges and cgroups: only root can. */
  static void requireRoot(String what) {
    try {
      String status = Files.readString(Path.of("/proc/self/status"));
      if (!status.matches("(?s).*\nUid:\\s+0\\s.*")) {
        throw new LabException("berth lab " + what + " must run as root (it manages network namespaces, bridges and cgroups)");
      }
    } catch (IOException e) {
      throw new LabException("cannot tell whether berth runs as root: " + e.getMessage());
    }
  }
}
