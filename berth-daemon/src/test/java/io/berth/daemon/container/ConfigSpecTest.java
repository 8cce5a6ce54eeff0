package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import org.junit.jupiter.api.Test;

/** Config's names and exposed ports in {@link ConfigSpec}, and taking another container's names. */
class ConfigSpecTest {

  private static ObjectNode json(String s) throws Exception {
    return (ObjectNode) RecordJson.MAPPER.readTree(s);
  }

  @Test
  void namesAndExposedPortsAreReadFromTheWireJson() throws Exception {
    ConfigSpec s = ConfigSpec.of(json("""
        {"Hostname": "web", "Domainname": "example.org", "ExposedPorts": {"80/tcp": {}, "53/udp": {}}}"""));
    assertThat(s.hostnameOr("0123456789ab")).isEqualTo("web");
    assertThat(s.domainname()).isEqualTo("example.org");
    assertThat(s.exposedPorts()).containsExactly("80/tcp", "53/udp");
  }

  @Test
  void aRecordWithoutAHostnameUsesTheShortIdButAnEmptyOneStaysEmpty() throws Exception {
    assertThat(ConfigSpec.of(json("{}")).hostnameOr("0123456789ab")).isEqualTo("0123456789ab");
    assertThat(ConfigSpec.of(json("{\"Hostname\": null}")).hostnameOr("0123456789ab")).isEqualTo("0123456789ab");
    assertThat(ConfigSpec.of(json("{\"Hostname\": \"\"}")).hostnameOr("0123456789ab")).isEmpty();
    assertThat(ConfigSpec.of(json("{}")).domainname()).isEmpty();
  }

  @Test
  void takingAnotherContainersNamesChangesTheJsonAndTheRecordTogether() throws Exception {
    Container c = new Container();
    c.id = "0123456789abcdef";
    c.config = json("{\"Hostname\": \"own\", \"Env\": [\"A=1\"]}");
    assertThat(c.configSpec().hostnameOr(c.shortId())).isEqualTo("own");
    c.names("db", "example.org");
    assertThat(c.config.path("Hostname").asText()).isEqualTo("db");
    assertThat(c.config.path("Domainname").asText()).isEqualTo("example.org");
    assertThat(c.configSpec().hostnameOr(c.shortId())).isEqualTo("db");
    assertThat(c.configSpec().domainname()).isEqualTo("example.org");
    assertThat(c.configSpec().env()).containsExactly("A=1");
    assertThat(c.configSpec()).isEqualTo(ConfigSpec.of(c.config));
  }
}
