package io.berth.cli.lab;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a lab keeps its files on the host: {@code ROOT/LAB/lab.json} (its state),
 * {@code ROOT/LAB/registry} and one directory per node with its berthd's data root, exec root,
 * socket, daemon.json, pid file, log and UTS namespace file.
 */
record LabPaths(Path root, String lab) {
  static final Path DEFAULT_ROOT = Path.of("/var/lib/berth-lab");

  Path dir() {
    return root.resolve(lab);
  }

  Path stateFile() {
    return dir().resolve("lab.json");
  }

  boolean exists() {
    return Files.exists(stateFile());
  }

  Path lock() {
    return root.resolve(".lock");
  }

  Path registryDir() {
    return dir().resolve("registry");
  }

  Path node(String node) {
    return dir().resolve(node);
  }

  Path socket(String node) {
    return node(node).resolve("berth.sock");
  }

  String dockerHost(String node) {
    return "unix://" + socket(node);
  }

  Path pidFile(String node) {
    return node(node).resolve("berthd.pid");
  }

  Path uts(String node) {
    return node(node).resolve("uts");
  }

  LabState state() {
    if (!exists()) {
      throw new LabException("no lab named " + lab + " (no " + stateFile() + ")");
    }
    return LabState.read(stateFile());
  }
}
