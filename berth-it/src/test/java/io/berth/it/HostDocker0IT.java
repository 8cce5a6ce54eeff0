package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks start a dockerd of their own beside Berth. A user's dockerd owns the host's
 * {@code docker0}; a second one started with only {@code --bip} took that bridge over and removed
 * it on exit, breaking the user's engine. The bench's dockerd must come and go on a bridge of its
 * own and leave {@code docker0} exactly as it was.
 */
class HostDocker0IT {
  private static final String W = "/tmp/berth-it-benchlib";
  private static boolean madeDocker0;

  @BeforeAll
  static void aUsersDocker0() {
    // stands in for the user's dockerd's bridge when the host has none
    if (Exec.sh("ip link show docker0").exit() != 0) {
      check(Exec.sh("ip link add docker0 type bridge && ip addr add 172.31.250.1/24 dev docker0"), "make docker0");
      madeDocker0 = true;
    }
  }

  @AfterAll
  static void removeOurs() {
    if (madeDocker0) {
      Exec.sh("ip link del docker0");
    }
  }

  @Test
  void theBenchmarksDockerdLeavesDocker0Alone() {
    String before = docker0();
    String script = String.join("\n",
        "set -e",
        "W=" + W,
        ". bench/lib.sh",
        "DSOCK=unix://$W/docker.sock",
        "mkdir -p $W",
        "DOCKER=/usr/local/bin/docker",
        "bench_start_dockerd $W/data --bip 172.29.31.1/24",
        "wait_sock $DSOCK || { tail $W/dockerd.log; exit 1; }",
        "echo bridge=$DBRIDGE",
        "ip -o -4 addr show \"$DBRIDGE\" | awk '{print $4}'",
        "[ \"$(DOCKER_HOST=$DSOCK $DOCKER network inspect bridge -f '{{(index .IPAM.Config 0).Subnet}}')\" = 172.29.31.0/24 ]",
        "echo during=$(ip -o link show docker0 | cut -d: -f1-2) $(ip -o -4 addr show docker0 | awk '{print $4}')",
        "bench_stop_dockerd",
        "ip link show \"$DBRIDGE\" >/dev/null 2>&1 && echo bridge-left || echo bridge-gone");
    Exec.Result r = Exec.run(Map.of(), null, 120, List.of("bash", "-c", "cd " + Exec.repoRoot() + " && " + script));
    check(r, "bench dockerd");
    assertThat(r.out()).contains("172.29.31.1/24").contains("during=" + before).contains("bridge-gone");
    assertThat(docker0()).isEqualTo(before);
  }

  /** docker0's index, name and IPv4 addresses: what a dockerd owning it relies on. */
  private static String docker0() {
    return Exec.sh("echo $(ip -o link show docker0 | cut -d: -f1-2) $(ip -o -4 addr show docker0 | awk '{print $4}')")
        .out().trim();
  }
}
