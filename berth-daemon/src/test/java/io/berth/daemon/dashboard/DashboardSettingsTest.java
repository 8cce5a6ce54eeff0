package io.berth.daemon.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DashboardSettingsTest {
  @Test
  void offWithoutAnAddress() {
    assertThat(DashboardSettings.resolve(null, null, null, null, null)).isNull();
  }

  @Test
  void loopbackServesPlainHttp() {
    DashboardSettings s = DashboardSettings.resolve("127.0.0.1:9099", null, null, null, null);
    assertThat(s.tls()).isFalse();
    assertThat(s.port()).isEqualTo(9099);
    assertThat(DashboardSettings.resolve("[::1]:9099", null, null, null, null).address()).isEqualTo("[::1]:9099");
  }

  @Test
  void anythingButLoopbackWithoutTlsIsRefusedByName() {
    assertThatThrownBy(() -> DashboardSettings.resolve("0.0.0.0:9099", null, null, null, null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("refusing to serve the dashboard on 0.0.0.0:9099 without TLS")
        .hasMessageContaining("--dashboard-tlscert");
  }

  @Test
  void theDashboardsOwnCertificateOrElseTheDaemonsMakesItTls() {
    Path c = Path.of("/c.pem");
    Path k = Path.of("/k.pem");
    DashboardSettings own = DashboardSettings.resolve("0.0.0.0:9099", c, k, Path.of("/d.pem"), Path.of("/dk.pem"));
    assertThat(own.tlsCert()).isEqualTo(c);
    assertThat(own.tlsKey()).isEqualTo(k);
    DashboardSettings daemons = DashboardSettings.resolve("0.0.0.0:9099", null, null, c, k);
    assertThat(daemons.tls()).isTrue();
    assertThat(daemons.tlsKey()).isEqualTo(k);
  }

  @Test
  void malformedAddressesAndHalfPairsAreRefused() {
    for (String bad : new String[] {"9099", "127.0.0.1", "127.0.0.1:", ":9099", "127.0.0.1:99999", "127.0.0.1:x"}) {
      assertThatThrownBy(() -> DashboardSettings.resolve(bad, null, null, null, null))
          .as(bad).hasMessageContaining("invalid dashboard-addr " + bad);
    }
    assertThatThrownBy(() -> DashboardSettings.resolve("127.0.0.1:9099", Path.of("/c"), null, null, null))
        .hasMessageContaining("go together");
    assertThatThrownBy(() -> DashboardSettings.resolve(null, Path.of("/c"), Path.of("/k"), null, null))
        .hasMessageContaining("need --dashboard-addr");
  }
}
