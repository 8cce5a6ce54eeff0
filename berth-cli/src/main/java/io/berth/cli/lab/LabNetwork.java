package io.berth.cli.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * The lab's network: a bridge on the host with an address there, and per node a network
 * namespace linked to it by a veth pair (the node's {@code eth0}, loopback up, default route via
 * the host) and a UTS namespace, kept in a file, whose hostname is the node's name. Removing
 * them also removes the namespaces the nodes' berthds made for their containers.
 */
final class LabNetwork {
  private LabNetwork() {}

  static void createBridge(LabState lab) {
    HostCommand.must("ip", "link", "add", lab.bridge(), "type", "bridge");
    HostCommand.must("ip", "addr", "add", lab.hostAddress() + "/" + lab.prefixLength(), "dev", lab.bridge());
    HostCommand.must("ip", "link", "set", lab.bridge(), "up");
  }

  static void createNode(LabState lab, LabPaths paths, LabState.Node node) {
    String ns = node.netns();
    HostCommand.must("ip", "netns", "add", ns);
    HostCommand.must("ip", "link", "add", node.veth(), "type", "veth", "peer", "name", "eth0", "netns", ns);
    HostCommand.must("ip", "link", "set", node.veth(), "master", lab.bridge(), "up");
    HostCommand.must("ip", "-n", ns, "addr", "add", node.address() + "/" + lab.prefixLength(), "dev", "eth0");
    HostCommand.must("ip", "-n", ns, "link", "set", "eth0", "up");
    HostCommand.must("ip", "-n", ns, "link", "set", "lo", "up");
    HostCommand.must("ip", "-n", ns, "route", "add", "default", "via", lab.hostAddress());
    try {
      Files.createDirectories(paths.node(node.name()));
      Files.deleteIfExists(paths.uts(node.name()));
      Files.createFile(paths.uts(node.name()));
    } catch (IOException e) {
      throw new LabException("cannot make " + paths.uts(node.name()) + ": " + e.getMessage());
    }
    // unshare keeps the new UTS namespace alive by bind-mounting it on the file
    HostCommand.must("unshare", "--uts=" + paths.uts(node.name()), "hostname", node.name());
  }

  /**
   * Cuts the node off the lab (for failure drills) by taking the host's end of its veth down:
   * the node's berthd and containers run on but reach, and are reached by, nothing on the lab
   * bridge, as a machine whose cable was pulled; {@link #connect} puts it back.
   */
  static void disconnect(LabState.Node node) {
    HostCommand.must("ip", "link", "set", "dev", node.veth(), "down");
  }

  static void connect(LabState.Node node) {
    HostCommand.must("ip", "link", "set", "dev", node.veth(), "up");
  }

  /** Whether the node's link to the lab bridge is up (false also when it is gone). */
  static boolean connected(LabState.Node node) {
    HostCommand.Result r = HostCommand.run("ip", "-o", "link", "show", "dev", node.veth());
    return r.exit() == 0 && r.out().matches("(?s)[^<]*<[^>]*\\bUP\\b.*");
  }

  /** Removes what {@link #createBridge} and {@link #createNode} made; what is already gone is skipped. */
  static void remove(LabState lab) {
    List<String> namespaces = HostCommand.lines(HostCommand.must("ip", "netns", "list")).stream()
        .map(l -> l.trim().split("\\s+")[0]).toList();
    for (LabState.Node node : lab.nodes()) {
      // the containers' own namespaces, which berthd names after its bridge (berth-BRIDGE-ID)
      // and keeps in the host's /run/netns
      for (String ns : namespaces) {
        if (ns.startsWith("berth-" + node.bridge() + "-")) {
          removeIfThere("ip", "netns", "del", ns);
        }
      }
      if (namespaces.contains(node.netns())) {
        removeIfThere("ip", "netns", "del", node.netns());
      }
      // the kernel removes a veth whose peer's namespace went, in its own time
      removeIfThere("ip", "link", "del", node.veth());
    }
    removeIfThere("ip", "link", "del", lab.bridge());
  }

  private static void removeIfThere(String... cmd) {
    HostCommand.Result r = HostCommand.run(cmd);
    if (r.exit() != 0 && !r.err().contains("Cannot find device") && !r.err().contains("No such file")) {
      throw new LabException(String.join(" ", cmd) + " failed (exit " + r.exit() + "): " + r.err());
    }
  }
}
