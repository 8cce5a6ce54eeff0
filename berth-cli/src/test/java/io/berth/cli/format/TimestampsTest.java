package io.berth.cli.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final ZoneId UTC = ZoneOffset.UTC;

  @Test
  void durationsCountBackFromNow() {
    assertThat(Timestamps.toApi("10m", NOW, UTC)).isEqualTo(Long.toString(NOW.getEpochSecond() - 600));
    assertThat(Timestamps.toApi("1h30m", NOW, UTC)).isEqualTo(Long.toString(NOW.getEpochSecond() - 5400));
  }

  @Test
  void datesAndTimes() {
    assertThat(Timestamps.toApi("2024-05-01T11:00:00Z", NOW, UTC)).isEqualTo((NOW.getEpochSecond() - 3600) + ".000000000");
    assertThat(Timestamps.toApi("2024-05-01T13:00:00+02:00", NOW, UTC)).isEqualTo((NOW.getEpochSecond() - 3600) + ".000000000");
    assertThat(Timestamps.toApi("2024-05-01T11:00:00.5Z", NOW, UTC)).isEqualTo((NOW.getEpochSecond() - 3600) + ".500000000");
    assertThat(Timestamps.toApi("2024-05-01T11:00", NOW, ZoneId.of("Europe/Paris")))
        .isEqualTo((NOW.getEpochSecond() - 3 * 3600) + ".000000000");
    assertThat(Timestamps.toApi("2024-05-01", NOW, UTC)).isEqualTo((NOW.getEpochSecond() - 12 * 3600) + ".000000000");
  }

  @Test
  void unixTimestampsPassThroughAndJunkFails() {
    assertThat(Timestamps.toApi("1714564800", NOW, UTC)).isEqualTo("1714564800");
    assertThat(Timestamps.toApi("1714564800.25", NOW, UTC)).isEqualTo("1714564800.25");
    assertThatThrownBy(() -> Timestamps.toApi("yesterday", NOW, UTC)).hasMessageContaining("failed to parse");
    assertThatThrownBy(() -> Timestamps.toApi("2024-13-45", NOW, UTC)).hasMessageContaining("invalid timestamp");
  }
}
