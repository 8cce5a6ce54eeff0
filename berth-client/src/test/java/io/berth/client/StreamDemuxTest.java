package io.berth.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamDemuxTest {
  @Test
  void framesGoToTheirStreamAndATruncatedFrameEndsCleanly() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(TestServer.frame(1, "out1\n"));
    wire.writeBytes(TestServer.frame(2, "err\n"));
    wire.writeBytes(TestServer.frame(1, ""));
    wire.writeBytes(TestServer.frame(1, "x".repeat(70_000)));
    wire.writeBytes(new byte[] {1, 0, 0});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StreamDemux.copy(new ByteArrayInputStream(wire.toByteArray()), out, err, false);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("out1\n" + "x".repeat(70_000));
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("err\n");
  }

  @Test
  void ttyStreamsAreRaw() throws Exception {
    byte[] raw = {1, 0, 0, 0, 'h', 'i'};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamDemux.copy(new ByteArrayInputStream(raw), out, new ByteArrayOutputStream(), true);
    assertThat(out.toByteArray()).isEqualTo(raw);
  }
}
