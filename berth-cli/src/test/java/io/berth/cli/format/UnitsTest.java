package io.berth.cli.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void memoryFlagsInBinaryUnits() {
    assertThat(Units.memory("600m")).isEqualTo(600L << 20);
    assertThat(Units.memory("1g")).isEqualTo(1L << 30);
    assertThat(Units.memory("1GiB")).isEqualTo(1L << 30);
    assertThat(Units.memory("512k")).isEqualTo(512L << 10);
    assertThat(Units.memory("1.5g")).isEqualTo(3L << 29);
    assertThat(Units.memory("4096")).isEqualTo(4096);
    assertThat(Units.memory("64MB")).isEqualTo(64L << 20);
  }

  @Test
  void badMemoryIsAClearError() {
    assertThatThrownBy(() -> Units.memory("lots")).hasMessage("invalid size: 'lots'");
    assertThatThrownBy(() -> Units.memory("12x")).hasMessage("invalid size: '12x'");
    assertThatThrownBy(() -> Units.memory("-1m")).hasMessage("invalid size: '-1m'");
  }

  @Test
  void sizesAsDockerPrintsThem() {
    assertThat(Units.size(4_273_000, 3)).isEqualTo("4.27MB");
    assertThat(Units.size(4_273_000)).isEqualTo("4.273MB");
    assertThat(Units.size(0)).isEqualTo("0B");
    assertThat(Units.size(100)).isEqualTo("100B");
    assertThat(Units.size(1000)).isEqualTo("1kB");
    assertThat(Units.size(2_140_000_000L, 3)).isEqualTo("2.14GB");
    assertThat(Units.size(999_999, 3)).isEqualTo("1e+03kB");
    assertThat(Units.binarySize(1536)).isEqualTo("1.5KiB");
    assertThat(Units.binarySize(64L << 20)).isEqualTo("64MiB");
  }

  @Test
  void humanDurations() {
    assertThat(human(Duration.ofMillis(500))).isEqualTo("Less than a second");
    assertThat(human(Duration.ofSeconds(1))).isEqualTo("1 second");
    assertThat(human(Duration.ofSeconds(3))).isEqualTo("3 seconds");
    assertThat(human(Duration.ofSeconds(90))).isEqualTo("About a minute");
    assertThat(human(Duration.ofMinutes(2))).isEqualTo("2 minutes");
    assertThat(human(Duration.ofMinutes(89))).isEqualTo("About an hour");
    assertThat(human(Duration.ofMinutes(90))).isEqualTo("2 hours");
    assertThat(human(Duration.ofDays(3))).isEqualTo("3 days");
    assertThat(human(Duration.ofDays(20))).isEqualTo("2 weeks");
    assertThat(human(Duration.ofDays(90))).isEqualTo("3 months");
    assertThat(human(Duration.ofDays(800))).isEqualTo("2 years");
  }

  /** Docker's human form of an age ("3 seconds"): formatting only, nothing is timed. */
  private static String human(java.time.Duration d) {
    return Units.duration(d);
  }
}
