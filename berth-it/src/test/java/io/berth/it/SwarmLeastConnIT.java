package io.berth.it;

import static io.berth.it.DrillLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Least-connections balancing ({@code --label io.berth.lb=leastconn}) on a three-node lab
 * through the stock docker CLI. A web service has a task on each worker; each serves its
 * hostname on {@code /} and on {@code /cgi-bin/hold}, which then never ends, so a held
 * connection stays open on the task it went to. Through the routing mesh (from the host to
 * node1, which runs no task) and through the VIP (from a client task on node1), connections are
 * held, those on one task are closed, and then every new short connection goes to that task,
 * the one with fewer live connections, where round robin would alternate; with the label set
 * back to roundrobin both answer again. A value other than roundrobin or leastconn is refused at
 * create and update. Waits are bounded; nothing is timed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmLeastConnIT {
  static final DrillLab LAB = new DrillLab("leastconn");
  static final OverlayProbe PROBE = new OverlayProbe(LAB);
  static final String M = "node1";
  static final int PORT = 28655;
  /** Connections held per path, and short connections per look. */
  static final int HOLDS = 4;
  static final int BATCH = 6;
  static final String SERVE = "mkdir -p /www/cgi-bin && hostname > /www/index.html"
      + " && printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\nhostname\\nexec sleep 900\\n'"
      + " > /www/cgi-bin/hold && chmod +x /www/cgi-bin/hold && exec httpd -f -p 80 -h /www";
  static final String BAD = "label io.berth.lb: unknown load-balancing algorithm \"fastest\" (roundrobin or leastconn)";
  static String image;

  @BeforeAll
  static void up() throws Exception {
    LAB.clean();
    LAB.up(3, 1);
    image = LAB.pushBusybox(M, "leastconn/busybox:1");
  }

  @AfterAll
  static void down() {
    LAB.down();
  }

  @Test
  @Order(1)
  void anUnknownAlgorithmIsRefusedByNameAndNothingIsCreated() {
    Exec.Result r = LAB.docker(M, "service", "create", "-d", "--name", "bad", "--label", "io.berth.lb=fastest", image,
        "sleep", "1d");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains(BAD);
    assertThat(LAB.out(M, "service", "ls", "-q").strip()).isEmpty();
  }

  @Test
  @Order(2)
  void newConnectionsGoToTheTaskWithFewerLiveOnesThroughTheMeshAndTheVip() throws Exception {
    LAB.out(M, "network", "create", "-d", "overlay", "front");
    LAB.out(M, "service", "create", "-d", "--name", "web", "--label", "io.berth.lb=leastconn", "--network", "front",
        "-p", PORT + ":80", "--replicas", "2", "--constraint", "node.role==worker", "--stop-grace-period", "1s",
        image, "sh", "-c", SERVE);
    LAB.out(M, "service", "create", "-d", "--name", "client", "--network", "front", "--constraint",
        "node.hostname==node1", "--stop-grace-period", "1s", image, "sleep", "1d");
    for (String s : List.of("web", "client")) {
      await(s + " running", () -> LAB.running(M, s), r -> r.size() == (s.equals("web") ? 2 : 1)
          && r.stream().allMatch(l -> l.endsWith(" Running")));
    }
    Set<String> tasks = PROBE.hostnames("web").keySet();
    assertThat(tasks).hasSize(2);

    Exec.Result update = LAB.docker(M, "service", "update", "-d", "--label-add", "io.berth.lb=fastest", "web");
    assertThat(update.exit()).isNotZero();
    assertThat(update.err()).contains(BAD);
    assertThat(LAB.out(M, "service", "inspect", "--format", "{{index .Spec.Labels \"io.berth.lb\"}}", "web").strip())
        .isEqualTo("leastconn");

    throughTheMesh(tasks);
    throughTheVip(tasks);
  }

  private void throughTheMesh(Set<String> tasks) throws Exception {
    String address = LAB.addresses.get("node1");
    await("the mesh on node1 answers from both tasks", () -> OverlayProbe.curl(address, PORT, "/", BATCH),
        r -> Set.copyOf(r).equals(tasks));
    List<Hold> holds = new ArrayList<>();
    try {
      for (int i = 0; i < HOLDS; i++) {
        holds.add(Hold.open(address, PORT));
      }
      String idle = fewest(tasks, holds.stream().map(Hold::task).toList());
      for (Hold h : holds) {
        if (h.task().equals(idle)) {
          h.close();
        }
      }
      String held = holds.stream().map(Hold::task).toList().toString();
      await("new connections through the mesh all go to " + idle + " (held: " + held + ", those on it closed)",
          () -> OverlayProbe.curl(address, PORT, "/", BATCH), r -> r.stream().allMatch(idle::equals));
    } finally {
      holds.forEach(Hold::close);
    }
  }

  private void throughTheVip(Set<String> tasks) throws Exception {
    String client = PROBE.container("node1", "client");
    await("the VIP answers from both tasks", () -> PROBE.gets("node1", client, "web", "/", BATCH),
        r -> Set.copyOf(r).equals(tasks));
    List<String> held = new ArrayList<>();
    for (int i = 0; i < HOLDS; i++) {
      DrillLab.ok(LAB.docker("node1", "exec", "-d", client, "sh", "-c", "(printf 'GET /cgi-bin/hold HTTP/1.0\\r\\n\\r\\n';"
          + " sleep 900) | nc web 80 > /tmp/h" + i + " 2>&1 & echo $! > /tmp/p" + i + "; wait"), "hold " + i);
      int n = i;
      held.add(await("held connection " + i + " answered", () -> PROBE.sh("node1", client, "tail -n 1 /tmp/h" + n
          + " 2>/dev/null").out().strip(), tasks::contains));
    }
    String idle = fewest(tasks, held);
    for (int i = 0; i < HOLDS; i++) {
      if (held.get(i).equals(idle)) {
        DrillLab.ok(PROBE.sh("node1", client, "kill $(cat /tmp/p" + i + ")"), "close hold " + i);
      }
    }
    await("new connections through the VIP all go to " + idle + " (held: " + held + ", those on it closed)",
        () -> PROBE.gets("node1", client, "web", "/", BATCH), r -> r.stream().allMatch(idle::equals));

    // back to round robin by the label: both tasks answer again, though one still holds more
    LAB.out(M, "service", "update", "-d", "--label-add", "io.berth.lb=roundrobin", "web");
    await("round robin through the VIP again after the label changed", () -> PROBE.gets("node1", client, "web", "/",
        BATCH), r -> Set.copyOf(r).equals(tasks));
  }

  /** The task with the fewest of {@code held} (the first of a tie). */
  private static String fewest(Set<String> tasks, List<String> held) {
    Map<String, Integer> count = new HashMap<>();
    tasks.forEach(t -> count.put(t, 0));
    held.forEach(t -> count.merge(t, 1, Integer::sum));
    return tasks.stream().min((a, b) -> count.get(a) - count.get(b)).orElseThrow();
  }

  /** A connection from the host through the mesh, kept open on the task that answered it. */
  private record Hold(Socket socket, String task) {
    static Hold open(String address, int port) throws IOException {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(address, port), 5000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET /cgi-bin/hold HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        String line = in.readLine();
        for (int i = 0; i < 20 && line != null && !line.isEmpty(); i++) {
          line = in.readLine();
        }
        String task = in.readLine();
        if (task == null) {
          throw new IOException("held connection to " + address + ":" + port + " ended before its body");
        }
        return new Hold(s, task.strip());
      } catch (IOException e) {
        s.close();
        throw e;
      }
    }

    /** Closes with a reset, so the connection leaves conntrack's open states at once. */
    void close() {
      try {
        if (!socket.isClosed()) {
          socket.setSoLinger(true, 0);
          socket.close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
