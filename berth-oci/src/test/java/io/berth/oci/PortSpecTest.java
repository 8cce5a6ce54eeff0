package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.PortSpec.Mapping;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortSpecTest {
  private static List<Mapping> map(String spec) {
    return PortSpec.parse(spec).mappings();
  }

  private static Mapping one(String spec) {
    List<Mapping> m = map(spec);
    assertThat(m).hasSize(1);
    return m.getFirst();
  }

  @Test
  void containerPortAloneLeavesHostPortToTheDaemon() {
    assertThat(one("80")).isEqualTo(new Mapping(new ExposedPort(80, "tcp"), "", ""));
  }

  @Test
  void hostAndContainerPortWithProtocol() {
    assertThat(one("28080:8080")).isEqualTo(new Mapping(new ExposedPort(8080, "tcp"), "", "28080"));
    assertThat(one("5353:53/udp")).isEqualTo(new Mapping(new ExposedPort(53, "udp"), "", "5353"));
    assertThat(one("80/SCTP").port().protocol()).isEqualTo("sctp");
    assertThat(one("80/").port().protocol()).isEqualTo("tcp");
  }

  @Test
  void hostAddresses() {
    assertThat(one("127.0.0.1:8080:80")).isEqualTo(new Mapping(new ExposedPort(80, "tcp"), "127.0.0.1", "8080"));
    assertThat(one("127.0.0.1::80")).isEqualTo(new Mapping(new ExposedPort(80, "tcp"), "127.0.0.1", ""));
    assertThat(one("[::1]:8080:80")).isEqualTo(new Mapping(new ExposedPort(80, "tcp"), "::1", "8080"));
    assertThat(one("[2001:db8::5]::53/udp")).isEqualTo(new Mapping(new ExposedPort(53, "udp"), "2001:db8::5", ""));
    assertThat(one("::1:8080:80").hostIp()).isEqualTo("::1"); // Docker also reads it without brackets
  }

  @Test
  void rangesOfEqualLengthPairUp() {
    assertThat(map("8000-8001:80-81")).containsExactly(
        new Mapping(new ExposedPort(80, "tcp"), "", "8000"), new Mapping(new ExposedPort(81, "tcp"), "", "8001"));
    assertThat(map("80-82")).extracting(m -> m.port().toString()).containsExactly("80/tcp", "81/tcp", "82/tcp");
  }

  @Test
  void oneContainerPortWithAHostRangeKeepsTheRange() {
    assertThat(one("8000-8010:80").hostPort()).isEqualTo("8000-8010");
  }

  @Test
  void malformedSpecsAreRefusedWithDockersWords() {
    assertThatThrownBy(() -> PortSpec.parse("http")).isInstanceOf(InvalidArgumentException.class)
        .hasMessage("invalid containerPort: http");
    assertThatThrownBy(() -> PortSpec.parse("70000")).hasMessage("invalid containerPort: 70000");
    assertThatThrownBy(() -> PortSpec.parse("0")).hasMessage("invalid containerPort: 0");
    assertThatThrownBy(() -> PortSpec.parse("90-80")).hasMessage("invalid containerPort: 90-80");
    assertThatThrownBy(() -> PortSpec.parse("x:80")).hasMessage("invalid hostPort: x");
    assertThatThrownBy(() -> PortSpec.parse("80/xyz")).hasMessage("invalid proto: xyz");
    assertThatThrownBy(() -> PortSpec.parse("8000-8002:80-81"))
        .hasMessage("invalid ranges specified for container and host Ports: 80-81 and 8000-8002");
    assertThatThrownBy(() -> PortSpec.parse("8000:80-81"))
        .hasMessage("invalid ranges specified for container and host Ports: 80-81 and 8000");
    assertThatThrownBy(() -> PortSpec.parse("1.2.3.4:")).hasMessage("no port specified: 1.2.3.4:<empty>");
    assertThatThrownBy(() -> PortSpec.parse("")).hasMessage("no port specified: <empty>");
    assertThatThrownBy(() -> PortSpec.parse("300.1.1.1:80:80")).hasMessage("invalid IP address: 300.1.1.1");
    assertThatThrownBy(() -> PortSpec.parse("localhost:80:80")).hasMessage("invalid IP address: localhost");
    assertThatThrownBy(() -> PortSpec.parse("[::1:80:80")).hasMessageStartingWith("invalid IP address [::1");
  }

  @Test
  void apiKeysAndHostPorts() {
    assertThat(ExposedPort.parse("8080/tcp")).isEqualTo(new ExposedPort(8080, "tcp"));
    assertThat(ExposedPort.parse("53/UDP")).isEqualTo(new ExposedPort(53, "udp"));
    assertThat(ExposedPort.parse("80").toString()).isEqualTo("80/tcp");
    assertThatThrownBy(() -> ExposedPort.parse("80/tcp/x")).hasMessage("invalid port specification: 80/tcp/x");
    assertThatThrownBy(() -> ExposedPort.parse("0/tcp")).hasMessage("invalid port specification: 0/tcp");
    assertThatThrownBy(() -> ExposedPort.parse("80-81/tcp")).hasMessage("invalid port specification: 80-81/tcp");
    assertThatThrownBy(() -> ExposedPort.parse("80/icmp")).hasMessage("invalid proto: icmp");
    assertThat(PortSpec.hostPort("")).isZero();
    assertThat(PortSpec.hostPort("8080")).isEqualTo(8080);
    assertThatThrownBy(() -> PortSpec.hostPort("8000-8010")).hasMessageContaining("host port ranges are not supported");
    assertThatThrownBy(() -> PortSpec.hostPort("99999")).hasMessage("invalid port specification: \"99999\"");
  }
}
