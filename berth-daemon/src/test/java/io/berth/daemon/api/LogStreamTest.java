package io.berth.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.runtime.LogEntry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LogStreamTest {
  private static LogEntry entry(String text) {
    return new LogEntry(LogEntry.Stream.STDOUT, Instant.parse("2026-01-02T03:04:05.1Z"),
        text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void timestampsHaveNineDigitsAndDetailsComeAsDockerPrintsThem() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TreeMap<String, String> attrs = new TreeMap<>();
    attrs.put("tag", "web/a b");
    attrs.put("REGION", "eu~1&x");
    try (LogStream s = new LogStream(out, true, true, true, true, attrs)) {
      s.accept(entry("hello\n"));
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("2026-01-02T03:04:05.100000000Z REGION=eu~1%26x,tag=web%2Fa+b hello\n");
  }

  @Test
  void framesAreSentWhenTheReaderCaughtUpNotOneByOne() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LogStream s = new LogStream(out, false, true, false, false, new TreeMap<>());
    s.accept(entry("one\n"));
    s.accept(new LogEntry(LogEntry.Stream.STDERR, Instant.EPOCH, "not asked for\n".getBytes()));
    assertThat(out.size()).isZero();
    s.caughtUp();
    byte[] b = out.toByteArray();
    assertThat(b).hasSize(8 + 5); // one stdout frame: header, then " one\n" (no attributes, a space)
    assertThat(b[0]).isEqualTo((byte) 1);
    assertThat(new String(b, 8, 5, StandardCharsets.UTF_8)).isEqualTo(" one\n");
  }
}
