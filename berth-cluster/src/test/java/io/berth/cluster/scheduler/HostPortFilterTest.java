package io.berth.cluster.scheduler;

import io.berth.cluster.model.Endpoint;
import static io.berth.cluster.scheduler.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.PortProtocol;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostPortFilterTest {
  private static TaskGroup publishing(PortConfig... ports) {
    return new TaskGroup("svc", spec(), Endpoint.ofPorts(List.of(ports)));
  }

  @Test
  void onlyHostModePortsWithANumberAreChecked() {
    HostPortFilter f = new HostPortFilter();
    assertThat(f.prepare(group(spec()))).isNull();
    assertThat(f.prepare(publishing(new PortConfig(null, null, 80, 8080, PublishMode.INGRESS)))).isNull();
    assertThat(f.prepare(publishing(new PortConfig(null, null, 80, 0, PublishMode.HOST)))).isNull();
  }

  @Test
  void refusesANodeWhereThePortAndProtocolAreTaken() {
    PortConfig tcp8080 = new PortConfig(null, PortProtocol.TCP, 80, 8080, PublishMode.HOST);
    NodeInfo n = info(node("a"));
    NodeFilter.Check check = new HostPortFilter().prepare(publishing(tcp8080));
    assertThat(check.accepts(n)).isTrue();
    n.add("other", io.berth.cluster.model.Resources.NONE, List.of(tcp8080));
    assertThat(check.accepts(n)).isFalse();
    PortConfig udp8080 = new PortConfig(null, PortProtocol.UDP, 80, 8080, PublishMode.HOST);
    assertThat(new HostPortFilter().prepare(publishing(udp8080)).accepts(n)).isTrue();
    assertThat(new HostPortFilter().explain(1)).isEqualTo("host-mode port already in use on 1 node");
  }
}
