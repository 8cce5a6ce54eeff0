package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.PortBinding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HostConfig's network part read from the wire JSON into {@link NetworkSpec}. */
class NetworkSpecTest {

  private static JsonNode json(String s) throws Exception {
    return RecordJson.MAPPER.readTree(s);
  }

  @Test
  void networkModesAreTheirKinds() {
    assertThat(NetworkSpec.Mode.of("")).isEqualTo(new NetworkSpec.Mode.Bridged("bridge"));
    assertThat(NetworkSpec.Mode.of("default")).isEqualTo(new NetworkSpec.Mode.Bridged("bridge"));
    assertThat(NetworkSpec.Mode.of(null)).isEqualTo(new NetworkSpec.Mode.Bridged("bridge"));
    assertThat(NetworkSpec.Mode.of("bridge")).isEqualTo(new NetworkSpec.Mode.Bridged("bridge"));
    assertThat(NetworkSpec.Mode.of("appnet")).isEqualTo(new NetworkSpec.Mode.Bridged("appnet"));
    assertThat(NetworkSpec.Mode.of("host")).isInstanceOf(NetworkSpec.Mode.Host.class);
    assertThat(NetworkSpec.Mode.of("none")).isInstanceOf(NetworkSpec.Mode.None.class);
    assertThat(NetworkSpec.Mode.of("container:db")).isEqualTo(new NetworkSpec.Mode.Joined("db"));
    for (String wire : List.of("bridge", "appnet", "host", "none", "container:db")) {
      assertThat(NetworkSpec.Mode.of(wire).wireName()).isEqualTo(wire);
    }
  }

  @Test
  void aRecordWithoutNetworkFieldsIsOnTheDefaultBridgeWithNothingPublished() throws Exception {
    NetworkSpec n = NetworkSpec.of(json("{}"));
    assertThat(n.bridged()).isTrue();
    assertThat(n.host()).isFalse();
    assertThat(n.none()).isFalse();
    assertThat(n.portBindings()).isEmpty();
    assertThat(n.publishAll()).isFalse();
    assertThat(n.links()).isEmpty();
    assertThat(n.requested(List.of("80/tcp"))).isEmpty();
  }

  @Test
  void portBindingsAreFlattenedInOrderWithAFreeHostPortForAnEmptyList() throws Exception {
    NetworkSpec n = NetworkSpec.of(json("""
        {"NetworkMode": "host", "PortBindings": {
          "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}, {"HostIp": "", "HostPort": ""}],
          "53/UDP": [],
          "9000": null}}"""));
    assertThat(n.host()).isTrue();
    assertThat(n.portBindings()).containsExactly(
        new PortBinding("127.0.0.1", 8080, 80, "tcp"),
        new PortBinding("", 0, 80, "tcp"),
        new PortBinding("", 0, 53, "udp"),
        new PortBinding("", 0, 9000, "tcp"));
  }

  @Test
  void publishAllAddsEveryExposedPortNoBindingNames() throws Exception {
    NetworkSpec n = NetworkSpec.of(json("""
        {"PublishAllPorts": true, "PortBindings": {"80/tcp": [{"HostPort": "8080"}]}}"""));
    assertThat(n.publishAll()).isTrue();
    assertThat(n.requested(List.of("80/tcp", "443/tcp", "53/udp"))).containsExactly(
        new PortBinding("", 8080, 80, "tcp"),
        new PortBinding("", 0, 443, "tcp"),
        new PortBinding("", 0, 53, "udp"));
  }

  @Test
  void badPortsAreRefusedWithThePortParsersWords() throws Exception {
    assertThatThrownBy(() -> NetworkSpec.portBindings(json("{\"PortBindings\": {\"80/xyz\": []}}")))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("invalid proto: xyz");
    assertThatThrownBy(() -> NetworkSpec.portBindings(json("{\"PortBindings\": {\"80/tcp\": [{\"HostPort\": \"x\"}]}}")))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void linksAreReadWithTheirAliases() throws Exception {
    NetworkSpec n = NetworkSpec.of(json("{\"Links\": [\"db:database\", \"/cache:/web/cache\", \"queue\"]}"));
    assertThat(n.links()).containsExactly(new Links.Link("db", "database"), new Links.Link("cache", "cache"),
        new Links.Link("queue", "queue"));
    assertThatThrownBy(() -> NetworkSpec.of(json("{\"Links\": [\"a:b:c\"]}")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("invalid link a:b:c");
  }

  @Test
  void theHostSpecCarriesIt() throws Exception {
    HostSpec h = HostSpec.of(json("{\"NetworkMode\": \"container:db\"}"));
    assertThat(h.network().mode()).isEqualTo(new NetworkSpec.Mode.Joined("db"));
    assertThat(h.network().bridged()).isFalse();
  }
}
