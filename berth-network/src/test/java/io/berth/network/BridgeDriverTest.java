package io.berth.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bridge driver names a network's kernel objects from its spec alone, so a restart finds them again. */
class BridgeDriverTest {
  private static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private final BridgeDriver driver = new BridgeDriver(Path.of("/nonexistent"), new Sandboxes("berth0"), "berth0",
      "berth", new PortLedger());

  private static NetworkSpec spec(Map<String, String> options) {
    return new NetworkSpec(ID, "n", "172.18.0.0/16", "172.18.0.1", null, false, options);
  }

  @Test
  void theDefaultBridgeIsTheDaemonsBridgeAndTable() {
    NetworkSpec d = spec(Map.of(NetworkSpec.DEFAULT_BRIDGE, "true", NetworkSpec.BRIDGE_NAME, "berth0"));
    assertThat(driver.bridgeName(d)).isEqualTo("berth0");
    assertThat(driver.table(d)).isEqualTo("berth");
  }

  @Test
  void aUserNetworkIsNamedAfterItsIdUnlessTheBridgeIsNamed() {
    assertThat(driver.bridgeName(spec(Map.of()))).isEqualTo("br-0123456789ab");
    assertThat(driver.table(spec(Map.of()))).isEqualTo("berth_0123456789ab");
    NetworkSpec named = spec(Map.of(NetworkSpec.BRIDGE_NAME, "mybr"));
    assertThat(driver.bridgeName(named)).isEqualTo("mybr");
    assertThat(driver.table(named)).isEqualTo("berth_0123456789ab");
    assertThat(driver.name()).isEqualTo("bridge");
  }
}
