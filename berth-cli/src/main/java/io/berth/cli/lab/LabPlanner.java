package io.berth.cli.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Chooses a new lab's number and, from it, every name and address the lab will use, so they
 * collide with no other lab, no route or address of the host (berth0's 10.88/16, the test
 * daemons' 10.89.x, docker0's 172.17/16, ...) and no existing interface.
 *
 * <p>Lab number X: the lab bridge {@code blabX} is 10.77.X.0/24 (the host .1, node i .(10+i));
 * node i's container bridge inside its namespace is 10.(100+i).X.0/24.
 */
final class LabPlanner {
  static final int MAX_NODES = 16;
  static final int MAX_LABS = 250;

  private LabPlanner() {}

  static LabState plan(LabPaths paths, int nodes) {
    Set<Integer> taken = takenByLabs(paths.root());
    List<int[]> used = networks(HostCommand.must("ip", "-4", "-o", "route", "show", "table", "all") + "\n"
        + HostCommand.must("ip", "-4", "-o", "addr", "show"));
    for (int x = 1; x <= MAX_LABS; x++) {
      if (taken.contains(x) || linkExists("blab" + x) || overlaps(used, x, nodes)) {
        continue;
      }
      return state(paths.lab(), x, nodes);
    }
    throw new LabException("no free lab number: " + MAX_LABS + " labs exist or their subnets are taken");
  }

  private static LabState state(String lab, int x, int count) {
    List<LabState.Node> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String name = "node" + i;
      nodes.add(new LabState.Node(name, "berth-lab-" + lab + "-" + name, "blab" + x + "n" + i,
          "10.77." + x + "." + (10 + i), "bl" + x + "b" + i, "10." + (100 + i) + "." + x + ".1/24",
          "berth_lab" + x + "_" + i, "berth-lab-" + lab + "-" + name));
    }
    return new LabState(lab, x, "blab" + x, "10.77." + x + ".1", 24, 0, 0, List.copyOf(nodes));
  }

  private static Set<Integer> takenByLabs(Path root) {
    Set<Integer> taken = new HashSet<>();
    if (!Files.isDirectory(root)) {
      return taken;
    }
    try (Stream<Path> labs = Files.list(root)) {
      labs.map(d -> d.resolve("lab.json")).filter(Files::exists)
          .forEach(f -> taken.add(LabState.read(f).index()));
    } catch (java.io.IOException e) {
      throw new LabException("cannot list the labs in " + root + ": " + e.getMessage());
    }
    return taken;
  }

  private static boolean linkExists(String name) {
    return HostCommand.run("ip", "link", "show", "dev", name).exit() == 0;
  }

  /** Whether lab number {@code x} with {@code nodes} nodes would use an address in one of {@code used}. */
  static boolean overlaps(List<int[]> used, int x, int nodes) {
    List<int[]> mine = new ArrayList<>();
    mine.add(new int[] {addr(10, 77, x, 0), 24});
    for (int i = 1; i <= nodes; i++) {
      mine.add(new int[] {addr(10, 100 + i, x, 0), 24});
    }
    for (int[] m : mine) {
      for (int[] u : used) {
        int len = Math.min(m[1], u[1]);
        int mask = len == 0 ? 0 : -1 << (32 - len);
        if ((m[0] & mask) == (u[0] & mask)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The networks in {@code ip -4 -o route}/{@code addr} output, as (address, prefix length)
   * pairs; the default route and loopback aside.
   */
  static List<int[]> networks(String ipOutput) {
    List<int[]> nets = new ArrayList<>();
    for (String line : HostCommand.lines(ipOutput)) {
      for (String word : line.trim().split("\\s+")) {
        if (word.matches("\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?")) {
          String[] p = word.split("/");
          String[] o = p[0].split("\\.");
          int len = p.length > 1 ? Integer.parseInt(p[1]) : 32;
          if (len > 0 && !o[0].equals("127")) {
            nets.add(new int[] {addr(Integer.parseInt(o[0]), Integer.parseInt(o[1]), Integer.parseInt(o[2]),
                Integer.parseInt(o[3])), len});
          }
        }
      }
    }
    return nets;
  }

  private static int addr(int a, int b, int c, int d) {
    return a << 24 | b << 16 | c << 8 | d;
  }
}
