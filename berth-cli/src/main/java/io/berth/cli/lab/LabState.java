package io.berth.cli.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Everything a lab is made of, by name: written in full before the first thing is created and
 * again after each step that learns something new (the registry's port and pid), so that
 * {@code lab down} can remove a lab that {@code up}, a node or the host left half made.
 *
 * @param index the lab's number, which its subnets and interface names derive from
 * @param hostAddress the host's address on the lab bridge (the registry listens there)
 * @param registryPort 0 until the registry was started
 * @param registryPid 0 until the registry was started
 */
public record LabState(String name, int index, String bridge, String hostAddress, int prefixLength,
    int registryPort, long registryPid, List<Node> nodes) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One node: a network namespace holding one berthd.
   *
   * @param veth the host's end of the node's link to the lab bridge
   * @param address the node's address on the lab bridge
   * @param bridge the bridge berthd makes inside the namespace for its containers
   * @param bip that bridge's address (berthd's --bip)
   */
  public record Node(String name, String netns, String veth, String address, String bridge, String bip,
      String nftTable, String cgroupParent) {}

  LabState withRegistry(int port, long pid) {
    return new LabState(name, index, bridge, hostAddress, prefixLength, port, pid, nodes);
  }

  /** The network namespace of the lab's switch, the bridge all nodes are linked to ({@link LabNetwork}). */
  String wireNetns() {
    return "berth-lab-" + name + "-wire";
  }

  String registry() {
    return hostAddress + ":" + registryPort;
  }

  Node node(String nodeName) {
    return nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst()
        .orElseThrow(() -> new LabException("lab " + name + " has no node " + nodeName + " (its nodes: "
            + String.join(", ", nodes.stream().map(Node::name).toList()) + ")"));
  }

  void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(this));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static LabState read(Path file) {
    try {
      return JSON.readValue(file.toFile(), LabState.class);
    } catch (IOException e) {
      throw new LabException("cannot read the lab state " + file + ": " + e.getMessage());
    }
  }
}
