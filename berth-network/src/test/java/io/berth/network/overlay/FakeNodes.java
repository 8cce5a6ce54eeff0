package io.berth.network.overlay;

import io.berth.network.PortLedger;
import io.berth.network.Sandboxes;
import io.berth.network.netlink.NetNamespaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A small cluster on one machine for the overlay tests: a "switch" network namespace holding a
 * bridge, and N "node" namespaces each linked to it by a veth with an underlay address
 * 10.214.R.(10+i)/24 (the switch itself has .1 and plays an outside client). Each node's driver
 * code runs inside its namespace ({@link #on}: a platform thread that setns'd into it, so
 * netlink, {@code ip}, {@code nft} and /proc/sys all act on the node). Every name starts with
 * {@code berth-ovt2-<hex>}, so nothing of the host or of another run is touched; {@link #close}
 * deletes all of it, containers' namespaces included.
 */
final class FakeNodes implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  final String tag = HexFormat.of().formatHex(RANDOM.generateSeed(3));
  final int r = 1 + RANDOM.nextInt(250);
  final String prefix = "berth-ovt2-" + tag;
  final String sw = prefix + "-sw";
  final List<Node> nodes = new ArrayList<>();

  /** One fake node: its namespace, underlay address and driver. */
  record Node(String name, String netns, String underlay, Sandboxes sandboxes, Path state, OverlayDriver driver) {
    Path path() {
      return Path.of("/run/netns", netns);
    }
  }

  FakeNodes(int count, Path stateRoot) throws IOException {
    try {
      sh("ip", "netns", "add", sw);
      sh("ip", "-n", sw, "link", "add", "sw0", "type", "bridge");
      sh("ip", "-n", sw, "addr", "add", "10.214." + r + ".1/24", "dev", "sw0");
      sh("ip", "-n", sw, "link", "set", "sw0", "up");
      sh("ip", "-n", sw, "link", "set", "lo", "up");
      for (int i = 1; i <= count; i++) {
        String ns = prefix + "-n" + i;
        String underlay = "10.214." + r + "." + (10 + i);
        sh("ip", "netns", "add", ns);
        sh("ip", "-n", sw, "link", "add", "p" + i, "type", "veth", "peer", "name", "eth0", "netns", ns);
        sh("ip", "-n", sw, "link", "set", "p" + i, "master", "sw0", "up");
        sh("ip", "-n", ns, "addr", "add", underlay + "/24", "dev", "eth0");
        sh("ip", "-n", ns, "link", "set", "eth0", "up");
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        Sandboxes sandboxes = new Sandboxes("ovt2-" + tag + "-n" + i);
        Path state = Files.createDirectories(stateRoot.resolve("n" + i));
        nodes.add(new Node("n" + i, ns, underlay, sandboxes, state, driver(state, sandboxes, underlay)));
      }
    } catch (RuntimeException | IOException e) {
      close();
      throw e;
    }
  }

  /** A fresh driver over a node's state, as a restarted daemon makes it. */
  OverlayDriver driver(Path state, Sandboxes sandboxes, String underlay) {
    return new OverlayDriver(state, sandboxes, "bov2_" + tag, "bov2" + tag, new PortLedger(), underlay);
  }

  Node node(int i) {
    return nodes.get(i - 1);
  }

  /** Runs {@code work} inside node {@code i}'s network namespace. */
  <T> T on(int i, Callable<T> work) {
    return NetNamespaces.inside(node(i).path(), work);
  }

  Path switchPath() {
    return Path.of("/run/netns", sw);
  }

  static String sh(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
    }
  }

  /** Exit code of a command (for checks that expect failure), bounded at 20 s. */
  static int status(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Deletes every namespace of this run (containers', nodes', switch): their links, tables and entries go with them. */
  @Override
  public void close() {
    try (var files = Files.list(Path.of("/run/netns"))) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        if (n.startsWith(prefix) || n.startsWith("berth-ovt2-" + tag)) {
          status("ip", "netns", "del", n);
        }
      }
    } catch (IOException e) {
      // nothing listed: nothing made
    }
  }
}
