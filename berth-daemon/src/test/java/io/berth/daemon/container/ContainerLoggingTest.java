package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.log.LogLocks;
import io.berth.runtime.log.LogOptions;
import io.berth.runtime.log.LogRotator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HostConfig.LogConfig at create: the daemon's defaults merged in as dockerd does, refusals by name. */
class ContainerLoggingTest {
  @TempDir Path dir;
  private final LogRotator rotator = new LogRotator(new LogLocks());

  @AfterEach
  void close() {
    rotator.close();
  }

  private ContainerLogging logging(String driver, Map<String, String> opts) {
    return new ContainerLogging(LogOptions.parse(driver, opts), rotator,
        new ContainerPaths(dir.resolve("data"), dir.resolve("exec")));
  }

  private static ObjectNode hostConfig(String type, String... kv) {
    ObjectNode hc = RecordJson.object();
    if (type != null) {
      ObjectNode lc = hc.putObject("LogConfig").put("Type", type);
      ObjectNode cfg = lc.putObject("Config");
      for (int i = 0; i < kv.length; i += 2) {
        cfg.put(kv[i], kv[i + 1]);
      }
    }
    return hc;
  }

  @Test
  void defaultOptionsApplyOnlyToContainersOfTheDefaultDriver() throws Exception {
    ContainerLogging l = logging("json-file", Map.of("max-size", "10m", "max-file", "3"));
    ObjectNode hc = hostConfig(null);
    l.configure(hc);
    // JSON objects compare without regard to key order (Map.of's order changes from run to run)
    assertThat(hc.path("LogConfig"))
        .isEqualTo(RecordJson.MAPPER.readTree("{\"Type\":\"json-file\",\"Config\":{\"max-file\":\"3\",\"max-size\":\"10m\"}}"));
    hc = hostConfig("json-file", "max-size", "1m");
    l.configure(hc);
    assertThat(hc.path("LogConfig").path("Config").path("max-size").asText()).isEqualTo("1m");
    assertThat(hc.path("LogConfig").path("Config").path("max-file").asText()).isEqualTo("3");
    hc = hostConfig("local");
    l.configure(hc);
    assertThat(hc.path("LogConfig").toString()).isEqualTo("{\"Type\":\"local\",\"Config\":{}}");
    hc = hostConfig("none");
    l.configure(hc);
    assertThat(hc.path("LogConfig").path("Type").asText()).isEqualTo("none");
  }

  @Test
  void refusalsNameTheDriverOrOption() {
    ContainerLogging l = logging("json-file", Map.of());
    assertThatThrownBy(() -> l.configure(hostConfig("gelf")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("no log driver named 'gelf'");
    assertThatThrownBy(() -> l.configure(hostConfig("json-file", "max-sise", "1m")))
        .hasMessage("unknown log opt 'max-sise' for json-file log driver");
  }

  @Test
  void theNoneDriverKeepsOnlyARuntimeBufferAndNoLogPath() {
    ContainerLogging l = logging("none", Map.of());
    Container c = new Container();
    c.id = "0123456789abcdef";
    c.hostConfig = hostConfig(null);
    l.configure(c.hostConfig);
    assertThat(l.path(c)).isEqualTo(dir.resolve("exec").resolve(c.id).resolve("output.log"));
    assertThat(l.inspectPath(c)).isEmpty();
    c.hostConfig(RecordJson.object()); // a record from before log options
    assertThat(l.options(c).driver().wireName()).isEqualTo("json-file");
    assertThat(l.path(c)).isEqualTo(dir.resolve("data").resolve(c.id).resolve("container.log"));
  }

  @Test
  void detailsAttributesComeFromLabelsEnvAndTag() {
    Container c = new Container();
    c.id = "0123456789abcdef0123";
    c.name = "web";
    c.path = "sh";
    c.args = List.of("-c", "true");
    c.imageId = "sha256:aabbccddeeff00112233";
    c.imageName = "it/busybox:1";
    c.config = RecordJson.object();
    c.config.putObject("Labels").put("team", "shop").put("tier", "front").put("other", "x");
    c.config.putArray("Env").add("REGION=eu").add("SECRET=s");
    LogOptions o = LogOptions.parse("json-file", Map.of("labels", "team", "labels-regex", "^ti", "env", "REGION",
        "tag", "{{.Name}}@{{.ImageID}}"));
    assertThat(LogAttributes.of(c, o)).containsExactly(Map.entry("REGION", "eu"), Map.entry("tag", "web@aabbccddeeff"),
        Map.entry("team", "shop"), Map.entry("tier", "front"));
  }
}
