package io.berth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Chunked bodies, including endless ones (logs -f): what has arrived is readable without the next chunk. */
class ChunkedInputStreamTest {
  private static ChunkedInputStream of(String wire) {
    return new ChunkedInputStream(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void aWholeChunkIsReadableBeforeTheNextOneArrives() throws Exception {
    // one chunk and nothing after it, as a log stream between two lines: reading ahead would fail
    // (readNBytes ends with a zero-length read, which must not wait for the next chunk header)
    assertThat(new String(of("6\r\nfirst\n\r\n").readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("first\n");
  }

  @Test
  void chunksExtensionsTheLastChunkAndTrailers() throws Exception {
    assertThat(new String(of("3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-T: 1\r\n\r\n").readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("abcde");
  }

  @Test
  void aBodyCutShortSaysSo() {
    assertThatThrownBy(() -> of("3\r\nabc\r\n").readAllBytes()).isInstanceOf(java.io.IOException.class)
        .hasMessage("connection closed before the last chunk");
    assertThatThrownBy(() -> of("3\r\nab").readAllBytes()).hasMessage("connection closed inside a chunk");
  }

  @Test
  void aMalformedChunkIsRefusedByName() {
    assertThatThrownBy(() -> of("zz\r\nabc\r\n").readAllBytes()).isInstanceOf(BadRequestException.class)
        .hasMessage("malformed chunk size: zz");
    assertThatThrownBy(() -> of("3\r\nabcX\r\n").readAllBytes()).isInstanceOf(BadRequestException.class)
        .hasMessage("malformed chunk terminator");
  }
}
