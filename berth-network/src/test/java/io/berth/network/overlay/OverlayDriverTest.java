package io.berth.network.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.NetworkSpec;
import io.berth.network.PortLedger;
import io.berth.network.Sandboxes;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The overlay's options, checked before anything is made (reads the host's addresses, changes nothing). */
class OverlayDriverTest {
  private static final String ID = "0123456789abcdef0123456789abcdef";
  private final OverlayDriver driver = new OverlayDriver(Path.of("/nonexistent"), new Sandboxes("x"), "berth", "berth0",
      new PortLedger(), "127.0.0.1");

  private static NetworkSpec spec(Map<String, String> options) {
    return new NetworkSpec(ID, "web", "10.0.9.0/24", "10.0.9.1", null, false, options);
  }

  @Test
  void theVniIsRequiredAndTheMtuDefaultsToTheUnderlaysMinusFifty() {
    OverlayDriver.Plan p = driver.plan(spec(Map.of(OverlayDriver.VNI, "4097")));
    assertThat(p.vni()).isEqualTo(4097);
    assertThat(p.underlay()).isEqualTo("127.0.0.1");
    assertThat(p.mtu()).isEqualTo(65536 - 50); // loopback's MTU
    assertThat(driver.plan(spec(Map.of(OverlayDriver.VNI, "7", OverlayDriver.MTU, "1400"))).mtu()).isEqualTo(1400);
    assertThat(driver.table(spec(Map.of()))).isEqualTo("berth_ov0123456789ab");
    assertThat(OverlayDriver.bridge("0123456789ab")).hasSizeLessThanOrEqualTo(15);
  }

  @Test
  void badOptionsAreRefusedByName() {
    assertThatThrownBy(() -> driver.plan(spec(Map.of()))).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("needs option com.docker.network.driver.overlay.vxlanid_list");
    assertThatThrownBy(() -> driver.plan(spec(Map.of(OverlayDriver.VNI, "1,2"))))
        .hasMessageContaining("must be one VXLAN id, 1-16777215, not 1,2");
    assertThatThrownBy(() -> driver.plan(spec(Map.of(OverlayDriver.VNI, "16777216")))).hasMessageContaining("not 16777216");
    assertThatThrownBy(() -> driver.plan(spec(Map.of(OverlayDriver.VNI, "5", "encrypted", ""))))
        .hasMessageContaining("overlay network web: unsupported option encrypted");
    assertThatThrownBy(() -> driver.plan(spec(Map.of(OverlayDriver.VNI, "5", OverlayDriver.UNDERLAY, "203.0.113.77"))))
        .hasMessageContaining("underlay address 203.0.113.77 is not an address of this node");
    assertThatThrownBy(() -> driver.plan(spec(Map.of(OverlayDriver.VNI, "5", OverlayDriver.MTU, "70000"))))
        .hasMessageContaining("must be 576-65486");
  }
}
