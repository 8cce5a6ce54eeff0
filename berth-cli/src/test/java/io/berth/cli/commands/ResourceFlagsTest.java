package io.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The flags run, create and update share: sizes, CPUs and restart policies, docker's errors for bad ones. */
class ResourceFlagsTest {
  @Test
  void sizesAndCpusParseAsDockersCli() {
    assertThat(ResourceFlags.bytes("512m", "-m, --memory")).isEqualTo(512L << 20);
    assertThat(ResourceFlags.nanoCpus("0.25")).isEqualTo(250_000_000L);
    assertThatThrownBy(() -> ResourceFlags.bytes("lots", "--memory-reservation"))
        .hasMessage("invalid argument \"lots\" for \"--memory-reservation\" flag: invalid size: 'lots'");
    assertThatThrownBy(() -> ResourceFlags.nanoCpus("1.0000000001"))
        .hasMessage("invalid argument \"1.0000000001\" for \"--cpus\" flag: failed to parse 1.0000000001 as a rational number");
  }

  @Test
  void restartPoliciesSetNameAndCount() {
    ObjectNode p = new ObjectMapper().createObjectNode();
    ResourceFlags.restart("on-failure:3", p);
    assertThat(p.toString()).isEqualTo("{\"Name\":\"on-failure\",\"MaximumRetryCount\":3}");
    ObjectNode q = new ObjectMapper().createObjectNode();
    ResourceFlags.restart("always", q);
    assertThat(q.toString()).isEqualTo("{\"Name\":\"always\"}");
    assertThatThrownBy(() -> ResourceFlags.restart("on-failure:x", new ObjectMapper().createObjectNode()))
        .hasMessage("invalid restart policy: maximum retry count must be an integer: x");
  }
}
