package io.berth.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.NodeDescription;
import io.berth.daemon.system.DaemonInfo;
import org.junit.jupiter.api.Test;

/** The node description a node sends the managers, spelled as Docker's node inspect shows it. */
class NodeDescriptionsTest {
  private static final DaemonInfo INFO = new DaemonInfo("id", "/data", "6.1.0", "Debian", 8L << 30, "node-a",
      "1.1.5", "2", "2026-01-01T00:00:00Z", "dev");

  @Test
  void describesTheHostAsDockerDoes() {
    NodeDescription d = NodeDescriptions.of(INFO, 4, "amd64");
    assertThat(d.hostname()).isEqualTo("node-a");
    assertThat(d.platform().architecture()).isEqualTo("x86_64");
    assertThat(d.platform().os()).isEqualTo("linux");
    assertThat(d.resources().nanoCpus()).isEqualTo(4_000_000_000L);
    assertThat(d.resources().memoryBytes()).isEqualTo(8L << 30);
    assertThat(d.engine().engineVersion()).isEqualTo(DaemonInfo.DOCKER_API_RELEASE);
    assertThat(NodeDescriptions.of(INFO, 1, "aarch64").platform().normalizedArchitecture()).isEqualTo("arm64");
  }
}
