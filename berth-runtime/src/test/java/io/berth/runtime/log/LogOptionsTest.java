package io.berth.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogOptionsTest {
  @Test
  void jsonFileDefaultsToOneUnboundedFile() {
    LogOptions o = LogOptions.parse("", Map.of());
    assertThat(o.driver()).isEqualTo(LogDriver.JSON_FILE);
    assertThat(o.maxSize()).isEqualTo(-1);
    assertThat(o.maxFile()).isEqualTo(1);
    assertThat(o.compress()).isFalse();
    assertThat(o.rotates()).isFalse();
  }

  @Test
  void sizesAreDockersDecimalHumanSizes() {
    assertThat(LogOptions.parse("json-file", Map.of("max-size", "100k")).maxSize()).isEqualTo(100_000);
    assertThat(LogOptions.parse("json-file", Map.of("max-size", "10m")).maxSize()).isEqualTo(10_000_000);
    assertThat(LogOptions.parse("json-file", Map.of("max-size", "1.5MB")).maxSize()).isEqualTo(1_500_000);
    assertThat(LogOptions.parse("json-file", Map.of("max-size", "2KiB")).maxSize()).isEqualTo(2_000);
    assertThat(LogOptions.parse("json-file", Map.of("max-size", "4096")).maxSize()).isEqualTo(4096);
    assertThat(LogOptions.parse("json-file", Map.of("max-size", "1 g")).maxSize()).isEqualTo(1_000_000_000);
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("max-size", "ten")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("invalid max-size 'ten'");
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("max-size", "0")))
        .hasMessage("max-size must be a positive number");
  }

  @Test
  void rotationWithCompression() {
    LogOptions o = LogOptions.parse("json-file", Map.of("max-size", "100k", "max-file", "3", "compress", "true"));
    assertThat(o.maxFile()).isEqualTo(3);
    assertThat(o.compress()).isTrue();
    assertThat(o.rotates()).isTrue();
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("max-size", "1m", "compress", "true")))
        .hasMessage("compress cannot be true when max-file is less than 2 or max-size is not set");
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("max-file", "3", "compress", "true")))
        .hasMessage("compress cannot be true when max-file is less than 2 or max-size is not set");
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("max-file", "0")))
        .hasMessage("max-file cannot be less than 1");
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("max-file", "two")))
        .hasMessageContaining("invalid max-file 'two'");
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("compress", "yes")))
        .hasMessageContaining("invalid compress 'yes'");
  }

  @Test
  void localHasDockersDefaults() {
    LogOptions o = LogOptions.parse("local", Map.of());
    assertThat(o.maxSize()).isEqualTo(20L * 1024 * 1024);
    assertThat(o.maxFile()).isEqualTo(5);
    assertThat(o.compress()).isTrue();
    assertThat(LogOptions.parse("local", Map.of("max-size", "1m", "max-file", "2")).compress()).isTrue();
    assertThatThrownBy(() -> LogOptions.parse("local", Map.of("max-file", "1")))
        .hasMessage("compression cannot be enabled when max file count is 1");
    assertThat(LogOptions.parse("local", Map.of("max-file", "1", "compress", "false")).rotates()).isFalse();
  }

  @Test
  void unknownOptionsAreRefusedByNameAsDockerDoes() {
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("x", "1")))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("unknown log opt 'x' for json-file log driver");
    assertThatThrownBy(() -> LogOptions.parse("local", Map.of("syslog-address", "udp://x")))
        .hasMessage("unknown log opt 'syslog-address' for log driver local");
    assertThatThrownBy(() -> LogOptions.parse("none", Map.of("max-size", "1m")))
        .hasMessageContaining("unknown log opt 'max-size' for log driver none");
  }

  @Test
  void driversBerthDoesNotImplementAreRefusedByName() {
    for (String d : new String[] {"syslog", "journald", "gelf", "fluentd", "awslogs", "splunk", "k8s-file", "nope"}) {
      assertThatThrownBy(() -> LogOptions.parse(d, Map.of()))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageStartingWith("logger: no log driver named '" + d + "' is registered");
    }
    assertThat(LogOptions.parse("none", Map.of()).driver().readable()).isFalse();
  }

  @Test
  void modeBlockingIsWhatConmonDoesNonBlockingIsRefused() {
    assertThat(LogOptions.parse("json-file", Map.of("mode", "blocking")).opts()).containsEntry("mode", "blocking");
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("mode", "non-blocking")))
        .hasMessageContaining("mode=non-blocking is not supported");
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("mode", "fast")))
        .hasMessage("logger: logging mode not supported: fast");
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("max-buffer-size", "4m")))
        .hasMessageContaining("max-buffer-size option is only supported with 'mode=non-blocking'");
  }

  @Test
  void attributeOptionsAreChecked() {
    assertThat(LogOptions.parse("json-file", Map.of("labels", "a,b", "env", "X", "tag", "{{.Name}}/{{ .ID }}"))
        .opts()).containsKeys("labels", "env", "tag");
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("labels-regex", "(")))
        .hasMessageContaining("invalid log opt labels-regex '('");
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("tag", "{{.Labels}}")))
        .hasMessageContaining("template action {{.Labels}} is not supported");
    assertThatThrownBy(() -> LogOptions.parse("json-file", Map.of("tag", "{{.Name")))
        .hasMessageContaining("unclosed action");
    assertThat(LogTag.render("app/{{.Name}}/{{.ID}}", Map.of("Name", "web", "ID", "abc")))
        .isEqualTo("app/web/abc");
  }
}
