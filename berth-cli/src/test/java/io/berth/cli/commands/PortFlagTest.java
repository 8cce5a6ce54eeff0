package io.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PortFlagTest {
  private static String[] parse(String... specs) {
    ObjectNode exposed = Base.obj();
    ObjectNode bindings = Base.obj();
    for (String s : specs) {
      PortFlag.add(s, exposed, bindings);
    }
    return new String[] {exposed.toString(), bindings.toString()};
  }

  @Test
  void containerPortOnlyGetsARandomHostPort() {
    assertThat(parse("80")).containsExactly("{\"80/tcp\":{}}", "{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"\"}]}");
  }

  @Test
  void hostAndContainerPortWithProtocol() {
    assertThat(parse("28080:8080")[1]).isEqualTo("{\"8080/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"28080\"}]}");
    assertThat(parse("5353:53/udp")).containsExactly("{\"53/udp\":{}}",
        "{\"53/udp\":[{\"HostIp\":\"\",\"HostPort\":\"5353\"}]}");
  }

  @Test
  void ipHostAndContainer() {
    assertThat(parse("127.0.0.1:8080:80")[1]).isEqualTo("{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8080\"}]}");
    assertThat(parse("127.0.0.1::80")[1]).isEqualTo("{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]}");
    assertThat(parse("[::1]:8080:80")[1]).isEqualTo("{\"80/tcp\":[{\"HostIp\":\"::1\",\"HostPort\":\"8080\"}]}");
  }

  @Test
  void rangesMapOneToOne() {
    String[] r = parse("8000-8001:80-81");
    assertThat(r[0]).isEqualTo("{\"80/tcp\":{},\"81/tcp\":{}}");
    assertThat(r[1]).isEqualTo("{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8000\"}],"
        + "\"81/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8001\"}]}");
  }

  @Test
  void samePortTwiceKeepsBothBindings() {
    assertThat(parse("8080:80", "9090:80")[1]).isEqualTo("{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"},"
        + "{\"HostIp\":\"\",\"HostPort\":\"9090\"}]}");
  }

  @Test
  void badSpecsAreRefused() {
    assertThatThrownBy(() -> parse("http")).hasMessageContaining("invalid containerPort");
    assertThatThrownBy(() -> parse("80/xyz")).hasMessageContaining("invalid proto");
    assertThatThrownBy(() -> parse("70000")).hasMessageContaining("invalid containerPort");
    assertThatThrownBy(() -> parse("8000-8002:80-81")).hasMessageContaining("invalid ranges");
    // Docker refuses one host port for several container ports (it used to map them all to 8000)
    assertThatThrownBy(() -> parse("8000:80-82")).hasMessageContaining("invalid ranges");
  }

  @Test
  void exposeTakesPortsRangesAndProtocols() {
    ObjectNode exposed = Base.obj();
    PortFlag.expose("80", exposed);
    PortFlag.expose("53/udp", exposed);
    PortFlag.expose("8000-8001", exposed);
    assertThat(exposed.toString()).isEqualTo("{\"80/tcp\":{},\"53/udp\":{},\"8000/tcp\":{},\"8001/tcp\":{}}");
    assertThatThrownBy(() -> PortFlag.expose("8080:80", exposed)).hasMessage("invalid port format for --expose: 8080:80");
    assertThatThrownBy(() -> PortFlag.expose("http", exposed)).hasMessage("invalid containerPort: http");
  }
}
