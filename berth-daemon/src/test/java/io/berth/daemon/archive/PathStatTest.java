package io.berth.daemon.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.daemon.records.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The X-Docker-Container-Path-Stat header as the docker CLI decodes it. */
class PathStatTest {
  @TempDir Path tmp;

  @Test
  void modesAreGosFileModeBits() {
    assertThat(PathStat.goMode(0040755)).isEqualTo(2147484141L); // ModeDir|0755, as dockerd sends it
    assertThat(PathStat.goMode(0100644)).isEqualTo(0644);
    assertThat(PathStat.goMode(0120777)).isEqualTo((1L << 27) | 0777);
    assertThat(PathStat.goMode(0020620)).isEqualTo((1L << 26) | (1L << 21) | 0620);
    assertThat(PathStat.goMode(0104755)).isEqualTo((1L << 23) | 0755);
    assertThat(PathStat.goMode(0041777)).isEqualTo((1L << 31) | (1L << 20) | 0777);
  }

  @Test
  void timesAreRfc3339WithTrimmedNanoseconds() {
    assertThat(PathStat.goTime(Instant.parse("2024-05-06T07:08:09Z"))).isEqualTo("2024-05-06T07:08:09Z");
    assertThat(PathStat.goTime(Instant.parse("2024-05-06T07:08:09.120Z"))).isEqualTo("2024-05-06T07:08:09.12Z");
    assertThat(PathStat.goTime(Instant.ofEpochSecond(1, 5))).isEqualTo("1970-01-01T00:00:01.000000005Z");
  }

  @Test
  void theHeaderIsBase64Json() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "12345");
    JsonNode j = RecordJson.MAPPER.readTree(Base64.getDecoder().decode(PathStat.of(f, "f", "").header()));
    assertThat(j.path("name").asText()).isEqualTo("f");
    assertThat(j.path("size").asLong()).isEqualTo(5);
    assertThat(j.path("mode").asLong() & 0777).isEqualTo(Files.getAttribute(f, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) instanceof Integer m ? m & 0777 : -1);
    assertThat(j.path("linkTarget").asText()).isEmpty();
    assertThat(Instant.parse(j.path("mtime").asText())).isEqualTo(Files.getLastModifiedTime(f).toInstant());
  }
}
