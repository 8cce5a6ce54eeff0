package io.berth.cli.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab's network: a switch, that is a bridge in a network namespace of its own (the lab's
 * wire), joined to the host by a veth whose host end has the host's address; per node a network
 * namespace linked to the switch by a veth pair (the node's {@code eth0}, loopback up, default
 * route via the host) and a UTS namespace, kept in a file, whose hostname is the node's name.
 * The switch is not on the host because with {@code br_netfilter} every frame a bridge on the
 * host forwards runs the host's forward rules and conntrack (Docker's and every other daemon's):
 * between two nodes that cost, not the nodes', would dominate what the lab measures, and a host
 * whose forward policy drops would cut the nodes off each other. The switch's namespace has no
 * rules and its bridge calls none. Removing all this also removes the namespaces the nodes'
 * berthds made for their containers.
 */
final class LabNetwork {
  private static final Path BRIDGE_NF = Path.of("/proc/sys/net/bridge");

  private LabNetwork() {}

  static void createBridge(LabState lab) {
    String wire = lab.wireNetns();
    HostCommand.must("ip", "netns", "add", wire);
    HostCommand.must("ip", "-n", wire, "link", "set", "lo", "up");
    if (Files.isDirectory(BRIDGE_NF)) {
      // per namespace (kernel 5.3+): frames the switch forwards call no IP hooks at all
      HostCommand.must("ip", "netns", "exec", wire, "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0",
          "net.bridge.bridge-nf-call-ip6tables=0", "net.bridge.bridge-nf-call-arptables=0");
    }
    HostCommand.must("ip", "-n", wire, "link", "add", lab.bridge(), "type", "bridge");
    HostCommand.must("ip", "-n", wire, "link", "set", lab.bridge(), "up");
    // the host's end keeps the bridge's name: the host's address, routes and the registry are on it
    HostCommand.must("ip", "link", "add", lab.bridge(), "type", "veth", "peer", "name", "host", "netns", wire);
    HostCommand.must("ip", "-n", wire, "link", "set", "host", "master", lab.bridge(), "up");
    HostCommand.must("ip", "addr", "add", lab.hostAddress() + "/" + lab.prefixLength(), "dev", lab.bridge());
    HostCommand.must("ip", "link", "set", lab.bridge(), "up");
  }

  static void createNode(LabState lab, LabPaths paths, LabState.Node node) {
    String ns = node.netns();
    String wire = lab.wireNetns();
    HostCommand.must("ip", "netns", "add", ns);
    HostCommand.must("ip", "-n", wire, "link", "add", node.veth(), "type", "veth", "peer", "name", "eth0", "netns", ns);
    HostCommand.must("ip", "-n", wire, "link", "set", node.veth(), "master", lab.bridge(), "up");
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
   * Cuts the node off the lab (for failure drills) by taking the switch's end of its veth down:
   * the node's berthd and containers run on but reach, and are reached by, nothing on the lab
   * bridge, as a machine whose cable was pulled; {@link #connect} puts it back.
   */
  static void disconnect(LabState lab, LabState.Node node) {
    HostCommand.must(ip(lab, "link", "set", "dev", node.veth(), "down"));
  }

  static void connect(LabState lab, LabState.Node node) {
    HostCommand.must(ip(lab, "link", "set", "dev", node.veth(), "up"));
  }

  /** Whether the node's link to the lab bridge is up (false also when it is gone). */
  static boolean connected(LabState lab, LabState.Node node) {
    HostCommand.Result r = HostCommand.run(ip(lab, "-o", "link", "show", "dev", node.veth()));
    return r.exit() == 0 && r.out().matches("(?s)[^<]*<[^>]*\\bUP\\b.*");
  }

  /** {@code ip ARGS} where the nodes' veths are: in the switch's namespace, or on the host for a lab made before it. */
  private static String[] ip(LabState lab, String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    if (Files.exists(Path.of("/run/netns", lab.wireNetns()))) {
      cmd.addAll(List.of("-n", lab.wireNetns()));
    }
    cmd.addAll(List.of(args));
    return cmd.toArray(String[]::new);
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
      // a lab made before the switch had its own namespace: the node's veth on the host (the
      // kernel removes a veth whose peer's namespace went, in its own time)
      removeIfThere("ip", "link", "del", node.veth());
    }
    // the host's end of the switch's veth (or the bridge of a lab made before), then the switch
    removeIfThere("ip", "link", "del", lab.bridge());
    if (namespaces.contains(lab.wireNetns())) {
      removeIfThere("ip", "netns", "del", lab.wireNetns());
    }
  }

  private static void removeIfThere(String... cmd) {
    HostCommand.Result r = HostCommand.run(cmd);
    if (r.exit() != 0 && !r.err().contains("Cannot find device") && !r.err().contains("No such file")) {
      throw new LabException(String.join(" ", cmd) + " failed (exit " + r.exit() + "): " + r.err());
    }
  }
}
