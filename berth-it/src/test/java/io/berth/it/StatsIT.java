package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker stats} against berthd shows what the container really moved: NET I/O from its
 * interfaces, BLOCK I/O from its cgroup, CPU split into user and kernel time, as dockerd reports them.
 */
class StatsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A subnet of this slot's own, so that parallel slots' networks do not overlap on the host. */
  private static final String SUBNET = "10.17" + (TestDaemon.SLOT.isEmpty() ? "0" : TestDaemon.SLOT.substring(2))
      + ".0.0/24";

  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  @AfterEach
  void cleanup() {
    docker("rm", "-f", "-v", "stweb", "stclient", "sthost", "stnone");
    docker("network", "rm", "stnet");
    docker("volume", "rm", "stvol");
  }

  @Test
  void busyContainerShowsItsNetworkBlockAndCpuFigures() throws Exception {
    check(docker("network", "create", "--subnet", SUBNET, "stnet"), "network create");
    check(docker("run", "-d", "--name", "stweb", "--network", "stnet", IMAGE, "sh", "-c",
        "dd if=/dev/zero of=/www/big bs=1024 count=512 && exec httpd -f -p 80 -h /www"), "run web");
    // recent kernels fill cgroup v1's blkio.throttle counters for a device only once some cgroup
    // has had a throttle on it (dockerd reads the same files and shows 0 too before): a limit far
    // above what the test writes, on the disk that holds the volume
    String disk = Exec.sh("findmnt -no SOURCE --target " + TestDaemon.BASE).out().trim();
    assertThat(disk).as("the data root's block device").startsWith("/dev/");
    check(docker("run", "-d", "--name", "stclient", "--network", "stnet", "-v", "stvol:/data",
        "--device-write-bps", disk + ":1gb", IMAGE, "sleep", "300"), "run client");
    // half a megabyte over eth0, bounded retries while the server's httpd comes up
    Exec.Result got = null;
    for (int i = 0; i < 20; i++) {
      got = docker("exec", "stclient", "wget", "-q", "-O", "/dev/null", "http://stweb/big");
      if (got.exit() == 0) {
        break;
      }
      Thread.sleep(250);
    }
    check(got, "wget from the web container");
    // direct I/O reaches the disk (and the cgroup's block counters) without waiting for writeback
    check(docker("exec", "stclient", "dd", "if=/dev/zero", "of=/data/blocks", "bs=65536", "count=16", "oflag=direct"),
        "dd oflag=direct");
    // user time (a shell loop) and kernel time (zeroing pages) of whole 10 ms ticks
    check(docker("exec", "stclient", "sh", "-c",
        "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; dd if=/dev/zero of=/dev/null bs=1048576 count=300"),
        "cpu work");

    Exec.Result r = docker("stats", "--no-stream", "--format", "{{.NetIO}}|{{.BlockIO}}", "stclient");
    check(r, "stats");
    String[] cols = r.out().trim().split("\\|");
    assertThat(cols[0]).as("NET I/O: received half a megabyte").matches("\\d+(\\.\\d+)?[kM]B / .*");
    assertThat(cols[1]).as("BLOCK I/O: wrote a megabyte").matches(".* / \\d+(\\.\\d+)?[kM]B");

    JsonNode s = stats("stclient");
    assertThat(s.at("/networks/eth0/rx_bytes").asLong()).isGreaterThan(512 * 1024);
    assertThat(s.at("/networks/eth0/tx_bytes").asLong()).isPositive();
    assertThat(s.at("/networks/eth0/rx_packets").asLong()).isPositive();
    assertThat(s.path("networks").has("lo")).isFalse();
    JsonNode cpu = s.at("/cpu_stats/cpu_usage");
    assertThat(cpu.path("usage_in_usermode").asLong()).isPositive();
    assertThat(cpu.path("usage_in_kernelmode").asLong()).isPositive();
    assertThat(cpu.path("usage_in_usermode").asLong() + cpu.path("usage_in_kernelmode").asLong())
        .as("user + kernel within total (ticks round down)").isLessThanOrEqualTo(cpu.path("total_usage").asLong() + 20_000_000);
    assertThat(s.at("/cpu_stats/throttling_data").has("periods")).isTrue();
    long written = 0;
    for (JsonNode e : s.at("/blkio_stats/io_service_bytes_recursive")) {
      assertThat(e.has("major") && e.has("minor") && e.has("value")).isTrue();
      if (e.path("op").asText().equalsIgnoreCase("write")) {
        written += e.path("value").asLong();
      }
    }
    assertThat(written).as("the direct writes, per device").isGreaterThanOrEqualTo(16 * 65536);
  }

  @Test
  void hostAndNoneNetworkedContainersReportNoNetworks() throws Exception {
    check(docker("run", "-d", "--name", "sthost", "--network", "host", IMAGE, "sleep", "300"), "run host");
    check(docker("run", "-d", "--name", "stnone", "--network", "none", IMAGE, "sleep", "300"), "run none");
    assertThat(stats("sthost").has("networks")).as("Docker sends no host interfaces").isFalse();
    assertThat(stats("stnone").has("networks")).as("loopback only").isFalse();
    JsonNode none = stats("stnone");
    assertThat(none.path("memory_stats").path("usage").asLong()).isPositive();
    // one-shot has no previous reading: Docker still sends precpu_stats' fields, as zeros
    assertThat(none.at("/precpu_stats/cpu_usage/total_usage").isNumber()).isTrue();
    assertThat(none.at("/precpu_stats/throttling_data/periods").isNumber()).isTrue();
  }

  /** The raw body the CLI reads, one answer. */
  private static JsonNode stats(String name) throws Exception {
    Exec.Result r = Exec.sh("curl -sf --unix-socket " + TestDaemon.SOCKET + " 'http://x/containers/" + name
        + "/stats?stream=false&one-shot=true'");
    check(r, "GET stats of " + name);
    return JSON.readTree(r.out());
  }
}
