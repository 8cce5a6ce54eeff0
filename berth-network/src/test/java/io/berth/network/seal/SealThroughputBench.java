package io.berth.network.seal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Figures, not a test: iperf3 moving a bounded amount (200 MB) between the two nodes over the
 * plain veth and over the seal, several rounds taking turns; prints Mbit/s and the ratio.
 * Runs only with SEAL_BENCH=1 (and iperf3 installed); nothing is asserted.
 */
@EnabledIfEnvironmentVariable(named = "SEAL_BENCH", matches = "1")
class SealThroughputBench {
  private static final Pattern RECEIVED =
      Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*\"bits_per_second\"\\s*:\\s*([0-9.e+]+)");
  private static final int ROUNDS = 3;

  @Test
  void sealedAgainstPlain() throws Exception {
    assumeTrue(Files.isWritable(Path.of("/proc/sys/net/ipv4/ip_forward")), "needs root");
    assumeTrue(Files.exists(Path.of("/usr/bin/iperf3")), "needs iperf3");
    try (TwoNodes lab = new TwoNodes()) {
      SealedUnderlay a = lab.seal(0, SealSpec.DEFAULT_PORT);
      SealedUnderlay b = lab.seal(1, SealSpec.DEFAULT_PORT);
      for (SealedUnderlay u : List.of(a, b)) {
        u.keys(List.of(SealCryptoTest.key(1, 0x11)), 1);
      }
      iperf(lab, TwoNodes.TUNNEL[1], "50M"); // warm-up: the JIT compiles the packet path
      double[] plain = new double[ROUNDS];
      double[] sealed = new double[ROUNDS];
      for (int r = 0; r < ROUNDS; r++) {
        plain[r] = iperf(lab, TwoNodes.UNDERLAY[1], "200M");
        sealed[r] = iperf(lab, TwoNodes.TUNNEL[1], "200M");
      }
      double p = median(plain);
      double s = median(sealed);
      System.out.printf(Locale.ROOT, "SEAL-BENCH plain veth %.0f Mbit/s, sealed %.0f Mbit/s, ratio %.3f (rounds plain %s sealed %s)%n",
          p, s, s / p, java.util.Arrays.toString(plain), java.util.Arrays.toString(sealed));
      System.out.println("SEAL-BENCH counters A " + a.counters() + " B " + b.counters());
    }
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    java.util.Arrays.sort(c);
    return c[c.length / 2];
  }

  /** Mbit/s of one bounded iperf3 TCP transfer from node A to {@code address} on node B. */
  private static double iperf(TwoNodes lab, String address, String bytes) throws Exception {
    Process server = new ProcessBuilder("nsenter", "--net=" + TwoNodes.path(lab.nodes[1]), "iperf3", "-s", "-1",
        "-B", address, "-p", "5211").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      for (int attempt = 0; attempt < 50; attempt++) {
        TwoNodes.Result r = TwoNodes.tryIn(lab.nodes[0], "iperf3", "-c", address, "-p", "5211", "-n", bytes, "-J");
        Matcher m = RECEIVED.matcher(r.out());
        if (r.exit() == 0 && m.find()) {
          return Double.parseDouble(m.group(1)) / 1e6;
        }
        Thread.sleep(100); // the server is not listening yet
      }
      throw new AssertionError("iperf3 to " + address + " never ran");
    } finally {
      server.destroy();
      server.waitFor();
    }
  }
}
