package io.berth.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Chunked bodies of endless streams (logs -f): what has arrived is readable without the next chunk. */
class DechunkerTest {
  @Test
  void aWholeChunkIsReadableBeforeTheNextOneArrives() throws Exception {
    // one chunk and nothing after it, as a log stream between two lines: reading ahead would fail
    byte[] wire = "6\r\nfirst\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    Dechunker d = new Dechunker(new ByteArrayInputStream(wire));
    assertThat(new String(d.readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("first\n");
  }

  @Test
  void chunksAndTheLastChunk() throws Exception {
    byte[] wire = "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(new String(new Dechunker(new ByteArrayInputStream(wire)).readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("abcde");
  }
}
