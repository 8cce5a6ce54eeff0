package io.berth.network.seal;

import io.berth.network.netlink.NetNamespaces;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two "nodes" for the sealed underlay's tests: network namespaces joined by a veth pair (the
 * underlay, 10.213.3.1 and .2), each able to open a {@link SealedUnderlay} (tunnel addresses
 * 100.64.3.1 and .2) and to hold more namespaces (sandboxes). Names start with {@code bsl3}
 * and a random part, so runs never meet others' objects; {@link #close} deletes every
 * namespace made, which takes their links with them.
 */
final class TwoNodes implements AutoCloseable {
  static final String[] UNDERLAY = {"10.213.3.1", "10.213.3.2"};
  static final String[] TUNNEL = {"100.64.3.1", "100.64.3.2"};
  static final String TUN = "bsl3tun";
  private static final SecureRandom RANDOM = new SecureRandom();

  final String id = HexFormat.of().formatHex(RANDOM.generateSeed(2));
  final String[] nodes = {"bsl3-" + id + "-a", "bsl3-" + id + "-b"};
  final String[] veths = {"bsl3" + id + "a", "bsl3" + id + "b"};
  private final List<String> namespaces = new ArrayList<>();
  private final List<SealedUnderlay> seals = new ArrayList<>();

  TwoNodes() {
    try {
      for (String n : nodes) {
        namespace(n);
      }
      host("ip", "link", "add", veths[0], "netns", nodes[0], "type", "veth", "peer", "name", veths[1], "netns", nodes[1]);
      for (int i = 0; i < 2; i++) {
        in(nodes[i], "ip", "addr", "add", UNDERLAY[i] + "/24", "dev", veths[i]);
        in(nodes[i], "ip", "link", "set", veths[i], "up");
        in(nodes[i], "ip", "link", "set", "lo", "up");
      }
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** A namespace deleted with the others at {@link #close}. */
  Path namespace(String name) {
    namespaces.add(name);
    return NetNamespaces.create(name);
  }

  static Path path(String name) {
    return NetNamespaces.path(name);
  }

  /** Opens node {@code i}'s sealed underlay on port {@code port} with the other node as peer. */
  SealedUnderlay seal(int i, int port) {
    SealedUnderlay u = SealedUnderlay.openIn(path(nodes[i]),
        new SealSpec(TUN, TUNNEL[i] + "/24", new InetSocketAddress(UNDERLAY[i], port)));
    seals.add(u);
    u.peers(List.of(new SealPeer(TUNNEL[1 - i], new InetSocketAddress(UNDERLAY[1 - i], port))));
    return u;
  }

  /** Runs a tool inside namespace {@code ns} and returns its output; fails with both streams. */
  static String in(String ns, String... cmd) {
    Result r = tryIn(ns, cmd);
    if (r.exit() != 0) {
      throw new AssertionError("in " + ns + ": " + String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.out());
    }
    return r.out();
  }

  static Result tryIn(String ns, String... cmd) {
    List<String> full = new ArrayList<>(List.of("nsenter", "--net=" + path(ns)));
    full.addAll(List.of(cmd));
    return run(full);
  }

  static String host(String... cmd) {
    Result r = run(List.of(cmd));
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.out());
    }
    return r.out();
  }

  record Result(int exit, String out) {}

  private static Result run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread reader = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " timed out");
      }
      reader.join(5000);
      return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static void copy(InputStream in, ByteArrayOutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException ignored) {
      // the process ended
    }
  }

  @Override
  public void close() {
    for (SealedUnderlay u : seals) {
      u.close();
    }
    for (String n : namespaces.reversed()) {
      NetNamespaces.delete(n);
    }
  }
}
