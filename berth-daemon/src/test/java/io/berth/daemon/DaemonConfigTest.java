package io.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** daemon.json and flags: the transfer limits, and what a bad value gets. */
class DaemonConfigTest {
  @TempDir Path dir;

  private DaemonConfig resolve(String json, Integer downloadsFlag) throws Exception {
    DaemonConfig.Flags f = new DaemonConfig.Flags();
    f.configFile = dir.resolve("daemon.json");
    Files.writeString(f.configFile, json);
    f.maxConcurrentDownloads = downloadsFlag;
    return DaemonConfig.resolve(f);
  }

  @Test
  void concurrentTransfersComeFromTheFileOrFlagsWithBerthsDefaults() throws Exception {
    DaemonConfig d = resolve("{}", null);
    assertThat(d.maxConcurrentDownloads()).isEqualTo(6);
    assertThat(d.maxConcurrentUploads()).isEqualTo(5);
    d = resolve("{\"max-concurrent-downloads\": 3, \"max-concurrent-uploads\": 2}", null);
    assertThat(d.maxConcurrentDownloads()).isEqualTo(3);
    assertThat(d.maxConcurrentUploads()).isEqualTo(2);
    assertThat(resolve("{\"max-concurrent-downloads\": 3}", 8).maxConcurrentDownloads()).isEqualTo(8);
  }

  @Test
  void badTransferLimitsAreRefusedByName() {
    assertThatThrownBy(() -> resolve("{\"max-concurrent-downloads\": 0}", null))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("max-concurrent-downloads: 0");
    assertThatThrownBy(() -> resolve("{\"max-concurrent-uploads\": \"many\"}", null))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("max-concurrent-uploads");
    assertThatThrownBy(() -> resolve("{}", -1)).hasMessageContaining("max-concurrent-downloads: -1");
    assertThatThrownBy(() -> resolve("{\"max-concurent-downloads\": 3}", null))
        .hasMessageContaining("don't match any configuration option: max-concurent-downloads");
  }

  @Test
  void logDriverAndOptsSetTheDefaultsAndAreCheckedAtStart() throws Exception {
    assertThat(resolve("{}", null).logDefaults().driver().wireName()).isEqualTo("json-file");
    DaemonConfig d = resolve("{\"log-driver\": \"local\", \"log-opts\": {\"max-size\": \"1m\", \"max-file\": \"3\"}}",
        null);
    assertThat(d.logDefaults().driver().wireName()).isEqualTo("local");
    assertThat(d.logDefaults().maxSize()).isEqualTo(1_000_000);
    assertThat(d.logDefaults().maxFile()).isEqualTo(3);
    assertThatThrownBy(() -> resolve("{\"log-driver\": \"syslog\"}", null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("no log driver named 'syslog' is registered");
    assertThatThrownBy(() -> resolve("{\"log-opts\": {\"max-sise\": \"1m\"}}", null))
        .hasMessageContaining("unknown log opt 'max-sise' for json-file log driver");
    assertThatThrownBy(() -> resolve("{\"log-opts\": {\"max-file\": 3}}", null))
        .hasMessageContaining("the value of max-file must be a string");
    DaemonConfig.Flags f = new DaemonConfig.Flags();
    f.configFile = dir.resolve("daemon.json");
    Files.writeString(f.configFile, "{\"log-driver\": \"local\"}");
    f.logDriver = "none";
    assertThat(DaemonConfig.resolve(f).logDefaults().driver().readable()).isFalse();
  }

  @Test
  void theDashboardIsOffByDefaultAndTakesItsAddressAndCertificateFromTheFileOrFlags() throws Exception {
    assertThat(resolve("{}", null).dashboard()).isNull();
    DaemonConfig d = resolve("{\"dashboard-addr\": \"127.0.0.1:9099\"}", null);
    assertThat(d.dashboard().port()).isEqualTo(9099);
    assertThat(d.dashboard().tls()).isFalse();
    d = resolve("{\"dashboard-addr\": \"0.0.0.0:9099\", \"dashboard-tlscert\": \"/c.pem\", \"dashboard-tlskey\": "
        + "\"/k.pem\"}", null);
    assertThat(d.dashboard().tlsCert()).isEqualTo(Path.of("/c.pem"));
    DaemonConfig.Flags f = new DaemonConfig.Flags();
    f.configFile = dir.resolve("daemon.json");
    Files.writeString(f.configFile, "{\"dashboard-addr\": \"127.0.0.1:9099\"}");
    f.dashboardAddr = "127.0.0.1:9100";
    assertThat(DaemonConfig.resolve(f).dashboard().port()).isEqualTo(9100);
    assertThatThrownBy(() -> resolve("{\"dashboard-addr\": \"0.0.0.0:9099\"}", null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("refusing to serve the dashboard on 0.0.0.0:9099 without TLS");
  }
}
